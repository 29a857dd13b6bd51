import 'reflect-metadata';
import type { ConnectionOptions } from 'bullmq';
import { WebcomValidationError } from '../../lib/errors/webcom-errors.js';
import { planJobs, type WebcomQueueChannel } from '../../lib/queue/job-planning.js';
import { resolveQueueOptions } from '../../lib/queue/webcom-queue.options.js';
import { invalid, thrown } from '../support/thrown.js';

const numbers = (count: number, from = 0) =>
  Array.from({ length: count }, (_, i) => `7999${String(from + i).padStart(7, '0')}`);

const SIZING = { maxUrlLength: 8000, urlReserve: 512 };

describe('planJobs', () => {
  it('spreads recipients over jobs that each fit one request, in order, each recipient once', () => {
    const to = numbers(5000);
    const jobs = planJobs('sms', { to, text: 'Sale starts today', from: 'Shop' }, SIZING);

    expect(jobs.length).toBeGreaterThan(1);
    expect(jobs.flatMap((job) => job.dto.to as string[])).toEqual(to);
    expect(jobs.map((job) => [job.part, job.parts])).toEqual(jobs.map((_, i) => [i, jobs.length]));
    for (const job of jobs) {
      const list = (job.dto.to as string[]).join('%2C');
      // The content, one recipient list, and the reserve for URL, credentials and sender.
      const query = `type_send_1=sms&sadr=Shop&text=Sale%20starts%20today&dadr=${list}`;
      expect(query.length).toBeLessThanOrEqual(SIZING.maxUrlLength - SIZING.urlReserve);
    }
  });

  it('takes fewer recipients per job when the text is long', () => {
    const to = numbers(2000);
    const short = planJobs('sms', { to, text: 'Hi', from: 'Shop' }, SIZING);
    const long = planJobs('sms', { to, text: 'Привет! '.repeat(100), from: 'Shop' }, SIZING);
    expect(long.length).toBeGreaterThan(short.length);
  });

  it('caps recipients per job at maxRecipientsPerJob', () => {
    const jobs = planJobs(
      'sms',
      { to: numbers(120), text: 'Hi', from: 'Shop' },
      { ...SIZING, maxRecipientsPerJob: 50 },
    );
    expect(jobs.map((job) => (job.dto.to as string[]).length)).toEqual([50, 50, 20]);
  });

  it('keeps a job as JSON the worker validates again: digits, and validUntil in Moscow time', () => {
    const [job] = planJobs(
      'sms',
      { to: '+7 (999) 123-45-67', text: 'Hi', validUntil: new Date('2030-01-02T09:30:00Z') },
      SIZING,
    );
    expect(job.dto).toEqual({ to: ['79991234567'], text: 'Hi', validUntil: '2030-01-02 12:30' });
  });

  it('plans a cascade by its primary channel', () => {
    const [job] = planJobs(
      'cascade',
      {
        to: ['79991234567'],
        primary: { channel: 'viber', text: 'Hi', from: 'Shop' },
        fallback: { channel: 'sms', text: 'Hi', from: 'Shop' },
      },
      SIZING,
    );
    expect(job).toMatchObject({ channel: 'cascade', parts: 1 });
    expect(job.dto).toMatchObject({ primary: { channel: 'viber' }, fallback: { channel: 'sms' } });
  });

  it('refuses invalid input as WebcomService would, naming the field', () => {
    const badNumber = thrown(() => planJobs('sms', { to: ['not a phone'], text: 'Hi' }, SIZING));
    expect(badNumber).toBeInstanceOf(WebcomValidationError);
    expect((badNumber as WebcomValidationError).errors[0].field).toBe('to');

    const noText = thrown(() => planJobs('sms', { to: '79991234567' }, SIZING));
    expect((noText as WebcomValidationError).errors.map((e) => e.field)).toContain('text');

    const channel = thrown(() =>
      planJobs(invalid<WebcomQueueChannel>('fax'), { to: '79991234567' }, SIZING),
    );
    expect((channel as WebcomValidationError).errors[0].field).toBe('channel');

    const tooLong = thrown(() =>
      planJobs('sms', { to: '79991234567', text: 'x'.repeat(8000) }, SIZING),
    );
    expect((tooLong as WebcomValidationError).errors[0]).toEqual({
      field: 'to',
      messages: [expect.stringContaining('maxUrlLength (8000) less urlReserve (512)')],
    });
  });
});

describe('resolveQueueOptions', () => {
  it('fills in defaults', () => {
    const options = resolveQueueOptions(
      { connection: { url: 'redis://127.0.0.1:6379' } },
      'webcom',
    );
    expect(options).toMatchObject({
      queueName: 'webcom',
      runWorker: true,
      concurrency: 4,
      attempts: 5,
      backoffMs: 1000,
      maxUrlLength: 8000,
      urlReserve: 512,
      removeOnComplete: { age: 3600 },
      removeOnFail: { age: 604800 },
    });
    expect(options.rateLimit).toBeUndefined();
  });

  it('names every bad option and never echoes the connection, which may hold a password', () => {
    let error: WebcomValidationError | undefined;
    try {
      resolveQueueOptions(
        {
          connection: invalid<ConnectionOptions>('redis://:hunter2@redis:6379'),
          concurrency: 0,
          rateLimit: { max: 0 },
          runWorker: invalid<boolean>('yes'),
        },
        'bad:name',
      );
    } catch (thrown) {
      error = thrown as WebcomValidationError;
    }
    expect(error).toBeInstanceOf(WebcomValidationError);
    expect(error!.errors.map((e) => e.field).sort()).toEqual(
      ['concurrency', 'connection', 'queueName', 'rateLimit.max', 'runWorker'].sort(),
    );
    expect(JSON.stringify(error)).not.toContain('hunter2');
    expect(error!.message).not.toContain('hunter2');
  });
});
