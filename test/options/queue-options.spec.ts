import 'reflect-metadata';
import { WebcomValidationError } from '../../lib/errors/webcom-errors.js';
import {
  resolveQueueOptions,
  type WebcomQueueModuleOptions,
} from '../../lib/queue/webcom-queue.options.js';
import { invalid } from '../support/thrown.js';

function errorsOf(run: () => unknown) {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(WebcomValidationError);
    return (error as WebcomValidationError).errors;
  }
  throw new Error('no error');
}

describe('queue options', () => {
  it('passes a client instance given as connection through untouched', () => {
    let constructed = 0;
    class FakeClient {
      readonly self = this; // circular, as a real client is
      constructor() {
        constructed += 1;
      }
    }
    const client = new FakeClient();
    const resolved = resolveQueueOptions({ connection: client }, 'webcom');
    expect(resolved.connection).toBe(client);
    expect(constructed).toBe(1);
  });

  it.each<[string, object, { field: string; messages: string[] }[]]>([
    [
      'rateLimit without max',
      { rateLimit: {} },
      [{ field: 'rateLimit.max', messages: ['is required'] }],
    ],
    [
      'more than one request per ms',
      { rateLimit: { max: 2000 } },
      [{ field: 'rateLimit.max', messages: ['may be at most one request per ms'] }],
    ],
    [
      'a bad durationMs',
      { rateLimit: { max: 1, durationMs: 1.5 } },
      [{ field: 'rateLimit.durationMs', messages: ['must be a whole number from 1 to 3600000'] }],
    ],
    [
      'rateLimit not an object',
      { rateLimit: 5 },
      [{ field: 'rateLimit', messages: ['must be { max, durationMs? }'] }],
    ],
    [
      'a connection that is neither options nor a client',
      { connection: 'redis://127.0.0.1:6379' },
      [{ field: 'connection', messages: ['must be Redis connection options or a client'] }],
    ],
    [
      'a reserve that leaves no room',
      { maxUrlLength: 600, urlReserve: 560 },
      [{ field: 'urlReserve', messages: ['must leave room in maxUrlLength for a message'] }],
    ],
  ])('%s is refused by option path', (_, override, expected) => {
    expect(
      errorsOf(() => resolveQueueOptions({ connection: { host: 'x' }, ...override }, 'webcom')),
    ).toEqual(expected);
  });

  it('accepts an omitted connection: the app’s BullModule.forRoot one is looked for at boot', () => {
    expect(resolveQueueOptions({}, 'webcom').connection).toBeUndefined();
  });

  it('a non-object is refused as a whole, under the queue subject', () => {
    expect(() => resolveQueueOptions(invalid<WebcomQueueModuleOptions>(null), 'webcom')).toThrow(
      'Invalid Webcom queue options: options (must be an object)',
    );
  });
});
