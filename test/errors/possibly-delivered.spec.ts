import {
  possiblyDelivered,
  webcomErrorResponse,
  WebcomAmbiguousSendError,
  WebcomApiError,
  WebcomPartialSendError,
  WebcomService,
  WebcomTransportError,
  WebcomValidationError,
  type WebcomEvent,
} from '../../lib/index.js';
import { answerPossiblyDelivered } from '../../lib/errors/delivery-judgement.js';
import { RecordingGateway, successAnswer } from '../support/recording-gateway.js';
import '../support/quiet-logs.js';

describe('D14: could the message have gone out?', () => {
  it.each<['send' | 'read', number, boolean]>([
    ['send', 500, true],
    ['send', 502, true],
    ['send', 503, true],
    ['send', 504, true],
    ['send', 429, false],
    ['send', 400, false],
    ['send', 403, false],
    ['send', 200, false],
    ['read', 500, false],
    ['read', 503, false],
    ['read', 429, false],
  ])('a %s answered %i: %s', (call, status, expected) => {
    expect(answerPossiblyDelivered(call, status)).toBe(expected);
    const error = new WebcomApiError(status, 'answer', call);
    // The error's field, the helper and the filter's body all say the same.
    expect(error.possiblyDelivered).toBe(expected);
    expect(possiblyDelivered(error)).toBe(expected);
    expect(webcomErrorResponse(error)).toMatchObject({ possiblyDelivered: expected });
    expect(error.toJSON()).toMatchObject({ possiblyDelivered: expected });
  });

  it('a hand-built WebcomApiError is taken for a send: the cautious reading', () => {
    expect(new WebcomApiError(502, '').possiblyDelivered).toBe(true);
  });

  it('a split send is possibly delivered when one of its failed parts is', () => {
    const refused = new WebcomApiError(400, 'no', 'send');
    const failed = (error: WebcomApiError | WebcomTransportError) =>
      new WebcomPartialSendError({ messages: [] }, [
        { to: ['79990000001'], error: refused },
        { to: ['79990000002'], error },
      ]);
    expect(possiblyDelivered(failed(new WebcomApiError(504, '', 'send')))).toBe(true);
    expect(possiblyDelivered(failed(new WebcomTransportError('ECONNREFUSED', false, 'x')))).toBe(
      false,
    );
  });

  it('other errors: as they say, or not delivered', () => {
    expect(possiblyDelivered(new WebcomAmbiguousSendError([{ id: '1' }], 2))).toBe(true);
    expect(possiblyDelivered(new WebcomTransportError('ETIMEDOUT', true, 'x'))).toBe(true);
    expect(possiblyDelivered(new WebcomValidationError([]))).toBe(false);
    expect(possiblyDelivered(new Error('x'))).toBe(false);
  });
});

describe('D14 on the wire', () => {
  let gateway: RecordingGateway;
  let webcom: WebcomService;
  let events: WebcomEvent[];

  beforeAll(async () => {
    gateway = await RecordingGateway.start();
  });
  afterAll(() => gateway.stop());
  beforeEach(() => {
    gateway.requests.length = 0;
    webcom = new WebcomService({
      credentials: { user: 'shop', password: 'pw' },
      baseUrl: gateway.baseUrl,
      senders: { sms: 'Shop' },
      retries: 2,
    });
    events = [];
    webcom.events$.subscribe((event) => events.push(event));
  });
  afterEach(() => {
    gateway.answer = successAnswer;
    webcom.onApplicationShutdown();
  });

  it.each([500, 502, 504])(
    'a send answered %i is possibly delivered, in the error and the event, and never repeated',
    async (status) => {
      gateway.answer = () => ({ status, body: 'upstream failed' });
      const error = await webcom.sendSms({ to: '79991234567', text: 'Hi' }).catch((e) => e);
      expect(error).toMatchObject({ name: 'WebcomApiError', status, possiblyDelivered: true });
      expect(possiblyDelivered(error)).toBe(true);
      expect(events).toEqual([
        expect.objectContaining({ type: 'failed', possiblyDelivered: true }),
      ]);
      expect(gateway.requests).toHaveLength(1);
    },
  );

  it('a send answered 429 is a refusal before processing: not delivered', async () => {
    gateway.answer = () => ({ status: 429, body: 'slow down', headers: { 'retry-after': '1' } });
    const error = await webcom.sendSms({ to: '79991234567', text: 'Hi' }).catch((e) => e);
    expect(error).toMatchObject({ status: 429, possiblyDelivered: false });
    expect(events).toEqual([expect.objectContaining({ type: 'failed', possiblyDelivered: false })]);
  });

  it('a read answered 5xx (after its retries) sent nothing: not delivered', async () => {
    gateway.answer = () => ({ status: 503, body: 'busy', headers: { 'retry-after': '0' } });
    const error = await webcom.getBalance().catch((e) => e);
    expect(error).toMatchObject({ status: 503, possiblyDelivered: false });
    expect(gateway.requests).toHaveLength(3);
  });
});
