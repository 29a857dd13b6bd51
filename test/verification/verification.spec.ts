import { inspect } from 'node:util';
import { WebcomTransportError, WebcomValidationError } from '../../lib/errors/webcom-errors.js';
import { WEBCOM_TESTING_FLASHCALL_CODE } from '../../lib/testing/index.js';
import {
  DEFAULT_TEMPLATES,
  WebcomVerificationConflictError,
  WebcomVerificationRateLimitError,
} from '../../lib/verification/index.js';
import { NUMBER, startWithClock } from './support.js';

type Started = Awaited<ReturnType<typeof startWithClock>>;
let ctx: Started;

afterEach(async () => {
  await ctx?.app.close();
});

/** What a test may hold against leaks: everything rendered of `value`. */
const rendered = (value: unknown) => `${JSON.stringify(value)}\n${inspect(value, { depth: 6 })}`;

async function thrown(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected a rejection');
}

describe('WebcomVerificationService: start and check', () => {
  it('texts a code of codeLength random digits in the Russian template, and approves it once', async () => {
    ctx = await startWithClock({ codeLength: 8 });
    const started = await ctx.verification.start({ to: '+7 (999) 123-45-67' });
    expect(started).toMatchObject({ to: NUMBER, channel: 'sms', step: 0, status: 'pending' });
    expect(started.attemptsLeft).toBe(5);
    const code = ctx.webcom.lastCode(NUMBER)!;
    expect(code).toMatch(/^\d{8}$/);
    expect(ctx.webcom.sent).toHaveLength(1);
    expect(ctx.webcom.sent[0].text).toBe(DEFAULT_TEMPLATES.sms.replace('{code}', code));
    await expect(ctx.verification.check(started.id, code)).resolves.toEqual({
      status: 'approved',
      attemptsLeft: 0,
    });
    // Spent: the same code again finds nothing to approve.
    await expect(ctx.verification.check(started.id, code)).resolves.toEqual({
      status: 'not_found',
      attemptsLeft: 0,
    });
    await expect(ctx.verification.get(started.id)).resolves.toMatchObject({ status: 'approved' });
  });

  it('codes differ from one verification to the next (crypto.randomInt, not a counter)', async () => {
    ctx = await startWithClock({
      resendCooldownSeconds: 0,
      limits: { perNumber: { max: 50, windowSeconds: 60 } },
    });
    const codes = new Set<string>();
    for (let i = 0; i < 20; i++) {
      const { id } = await ctx.verification.start({ to: NUMBER });
      codes.add(ctx.webcom.lastCode(NUMBER)!);
      await ctx.verification.cancel(id);
    }
    expect(codes.size).toBeGreaterThan(15);
  });

  it('counts wrong codes: the n-th leaves max − n, then every check, the right one too, is too_many_attempts', async () => {
    ctx = await startWithClock({ maxCheckAttempts: 3 });
    const { id } = await ctx.verification.start({ to: NUMBER });
    const code = ctx.webcom.lastCode(NUMBER)!;
    const wrong = code === '000000' ? '111111' : '000000';
    const answers = [];
    for (let i = 0; i < 3; i++) answers.push(await ctx.verification.check(id, wrong));
    expect(answers.map((a) => a.attemptsLeft)).toEqual([2, 1, 0]);
    expect(answers.every((a) => a.status === 'wrong_code')).toBe(true);
    await expect(ctx.verification.check(id, code)).resolves.toEqual({
      status: 'too_many_attempts',
      attemptsLeft: 0,
    });
    await expect(ctx.verification.get(id)).resolves.toMatchObject({ status: 'too_many_attempts' });
    // The number is free again for a new verification.
    await expect(ctx.verification.start({ to: NUMBER })).resolves.toMatchObject({
      status: 'pending',
    });
  });

  it('expires after ttlSeconds: the right code is then expired', async () => {
    ctx = await startWithClock({ ttlSeconds: 120 });
    const started = await ctx.verification.start({ to: NUMBER });
    expect(started.expiresAt.getTime()).toBe(ctx.clock.ms + 120_000);
    ctx.clock.advance(120);
    await expect(ctx.verification.check(started.id, ctx.webcom.lastCode(NUMBER)!)).resolves.toEqual(
      {
        status: 'expired',
        attemptsLeft: 0,
      },
    );
    await expect(ctx.verification.start({ to: NUMBER })).resolves.toMatchObject({
      status: 'pending',
    });
  });

  it('answers not_found for an unknown id and cancelled after cancel', async () => {
    ctx = await startWithClock();
    await expect(ctx.verification.check('nope', '123456')).resolves.toEqual({
      status: 'not_found',
      attemptsLeft: 0,
    });
    const { id } = await ctx.verification.start({ to: NUMBER });
    await expect(ctx.verification.cancel(id)).resolves.toBe(true);
    await expect(ctx.verification.cancel(id)).resolves.toBe(false);
    await expect(ctx.verification.check(id, ctx.webcom.lastCode(NUMBER)!)).resolves.toEqual({
      status: 'cancelled',
      attemptsLeft: 0,
    });
  });

  it('refuses a to that is not exactly one number as a WebcomValidationError on to, sending nothing', async () => {
    ctx = await startWithClock();
    for (const to of [[NUMBER, '79991234568'], '79991234567;79991234568', 'call me', '', 42]) {
      const error = await thrown(ctx.verification.start({ to } as never));
      expect(error).toBeInstanceOf(WebcomValidationError);
      expect((error as WebcomValidationError).errors.map((e) => e.field)).toEqual(['to']);
      expect(rendered(error)).not.toContain('1234567');
    }
    expect(ctx.webcom.sent).toHaveLength(0);
  });

  it('refuses a number outside allowedCountries, on to', async () => {
    ctx = await startWithClock({ allowedCountries: ['RU'] });
    const error = await thrown(ctx.verification.start({ to: '+380501234567' }));
    expect(error).toBeInstanceOf(WebcomValidationError);
    expect((error as WebcomValidationError).errors[0].field).toBe('to');
    expect(ctx.webcom.sent).toHaveLength(0);
    await expect(ctx.verification.start({ to: NUMBER })).resolves.toMatchObject({ to: NUMBER });
  });

  it('leaves no pending verification when the first send fails', async () => {
    ctx = await startWithClock();
    ctx.webcom.failNext(new WebcomTransportError('ECONNREFUSED', false, 'refused'));
    await expect(ctx.verification.start({ to: NUMBER })).rejects.toBeInstanceOf(
      WebcomTransportError,
    );
    await expect(ctx.verification.start({ to: NUMBER })).resolves.toMatchObject({
      status: 'pending',
    });
    expect(ctx.events.map((e) => e.type === 'failed' && e.outcome)).toContain('send_failed');
  });
});

describe('WebcomVerificationService: resend, get and cancel of what is not pending', () => {
  it('refuses resend of an unknown, approved or expired verification on id; get answers undefined for an unknown one', async () => {
    ctx = await startWithClock({ ttlSeconds: 60, resendCooldownSeconds: 0 });
    const fields = async (id: string) =>
      ((await thrown(ctx.verification.resend(id))) as WebcomValidationError).errors.map(
        (e) => e.field,
      );
    expect(await fields('unknown')).toEqual(['id']);
    const { id } = await ctx.verification.start({ to: NUMBER });
    await ctx.verification.check(id, ctx.webcom.lastCode(NUMBER)!);
    expect(await fields(id)).toEqual(['id']);
    const other = await ctx.verification.start({ to: '79990000001' });
    ctx.clock.advance(60);
    expect(await fields(other.id)).toEqual(['id']);
    await expect(ctx.verification.get(other.id)).resolves.toMatchObject({ status: 'expired' });
    await expect(ctx.verification.get('unknown')).resolves.toBeUndefined();
    expect(ctx.webcom.sent).toHaveLength(2);
  });
});

describe('WebcomVerificationService: limits', () => {
  it('one pending verification per number, whatever its notation: a conflict naming it', async () => {
    ctx = await startWithClock();
    const first = await ctx.verification.start({ to: NUMBER });
    const error = await thrown(ctx.verification.start({ to: '8 (999) 123-45-67' }));
    expect(error).toBeInstanceOf(WebcomVerificationConflictError);
    expect((error as WebcomVerificationConflictError).verificationId).toBe(first.id);
    expect(ctx.webcom.sent).toHaveLength(1);
  });

  it('limits starts per number per window, with retryAfterSeconds', async () => {
    ctx = await startWithClock({ limits: { perNumber: { max: 2, windowSeconds: 600 } } });
    for (let i = 0; i < 2; i++) {
      await ctx.verification.cancel((await ctx.verification.start({ to: NUMBER })).id);
    }
    ctx.clock.advance(100);
    const error = await thrown(ctx.verification.start({ to: NUMBER }));
    expect(error).toBeInstanceOf(WebcomVerificationRateLimitError);
    expect((error as WebcomVerificationRateLimitError).retryAfterSeconds).toBe(500);
    expect(ctx.webcom.sent).toHaveLength(2);
    ctx.clock.advance(500);
    await expect(ctx.verification.start({ to: NUMBER })).resolves.toMatchObject({
      status: 'pending',
    });
  });

  it('limits starts per rateLimitKey across numbers', async () => {
    ctx = await startWithClock({ limits: { perKey: { max: 2, windowSeconds: 60 } } });
    await ctx.verification.start({ to: '79990000001' }, { rateLimitKey: '203.0.113.7' });
    await ctx.verification.start({ to: '79990000002' }, { rateLimitKey: '203.0.113.7' });
    await expect(
      ctx.verification.start({ to: '79990000003' }, { rateLimitKey: '203.0.113.7' }),
    ).rejects.toBeInstanceOf(WebcomVerificationRateLimitError);
    // Another key, or none, is not held back.
    await ctx.verification.start({ to: '79990000003' }, { rateLimitKey: '198.51.100.1' });
    await ctx.verification.start({ to: '79990000004' });
    expect(ctx.webcom.sent).toHaveLength(4);
  });

  it('holds resend back until the cooldown, then repeats the step with a new code', async () => {
    ctx = await startWithClock({ resendCooldownSeconds: 30 });
    const { id } = await ctx.verification.start({ to: NUMBER });
    const first = ctx.webcom.lastCode(NUMBER)!;
    ctx.clock.advance(10);
    const error = await thrown(ctx.verification.resend(id));
    expect(error).toBeInstanceOf(WebcomVerificationRateLimitError);
    expect((error as WebcomVerificationRateLimitError).retryAfterSeconds).toBe(20);
    ctx.clock.advance(20);
    const resent = await ctx.verification.resend(id);
    expect(resent).toMatchObject({ channel: 'sms', step: 0 });
    expect(resent.resendAvailableAt.getTime()).toBe(ctx.clock.ms + 30_000);
    const second = ctx.webcom.lastCode(NUMBER)!;
    expect(ctx.webcom.sent).toHaveLength(2);
    if (second !== first) {
      await expect(ctx.verification.check(id, first)).resolves.toMatchObject({
        status: 'wrong_code',
      });
    }
    await expect(ctx.verification.check(id, second)).resolves.toMatchObject({ status: 'approved' });
  });
});

describe('WebcomVerificationService: workflows', () => {
  it('moves to the next step once the step has had its time', async () => {
    ctx = await startWithClock({
      workflow: [{ channel: 'telegram', timeoutSeconds: 60 }, { channel: 'sms' }],
    });
    const { id } = await ctx.verification.start({ to: NUMBER });
    expect(ctx.webcom.sent[0].channel).toBe('telegram');
    ctx.clock.advance(30);
    await expect(ctx.verification.resend(id)).resolves.toMatchObject({
      channel: 'telegram',
      step: 0,
    });
    ctx.clock.advance(30);
    await expect(ctx.verification.resend(id)).resolves.toMatchObject({ channel: 'sms', step: 1 });
    ctx.clock.advance(120);
    // The last step repeats.
    await expect(ctx.verification.resend(id)).resolves.toMatchObject({ channel: 'sms', step: 1 });
    expect(ctx.webcom.sent.map((s) => s.channel)).toEqual(['telegram', 'telegram', 'sms', 'sms']);
  });

  it('moves on before the timeout when the step’s message is known to have failed', async () => {
    ctx = await startWithClock({
      workflow: [{ channel: 'viber', timeoutSeconds: 600 }, { channel: 'sms' }],
    });
    const { id } = await ctx.verification.start({ to: NUMBER });
    ctx.webcom.setStatus(ctx.webcom.sent[0].result.messages[0].id, 'not_deliver');
    ctx.clock.advance(30);
    await expect(ctx.verification.resend(id)).resolves.toMatchObject({ channel: 'sms', step: 1 });
  });

  it('speaks a voice code digit by digit', async () => {
    ctx = await startWithClock({ workflow: [{ channel: 'voice' }], codeLength: 4 });
    await ctx.verification.start({ to: NUMBER });
    const code = ctx.webcom.lastCode(NUMBER)!;
    expect(ctx.webcom.sent[0].text).toContain([...code].join(', '));
    expect(ctx.webcom.sent[0].text).not.toContain(code);
  });

  it('approves a flashcall with the code its status reports, read at check time', async () => {
    ctx = await startWithClock({ workflow: [{ channel: 'flashcall' }] });
    const { id } = await ctx.verification.start({ to: NUMBER });
    expect(ctx.webcom.sent[0]).toMatchObject({ channel: 'flashcall' });
    expect(ctx.webcom.lastCode(NUMBER)).toBe(WEBCOM_TESTING_FLASHCALL_CODE);
    ctx.webcom.setStatus(ctx.webcom.sent[0].result.messages[0].id, {
      state: 'deliver',
      code: '4821',
    });
    await expect(ctx.verification.check(id, WEBCOM_TESTING_FLASHCALL_CODE)).resolves.toMatchObject({
      status: 'wrong_code',
    });
    await expect(ctx.verification.check(id, '4821')).resolves.toMatchObject({ status: 'approved' });
  });

  it('takes a workflow of its own per start, and refuses a bad one on workflow', async () => {
    ctx = await startWithClock();
    await ctx.verification.start({ to: NUMBER, workflow: [{ channel: 'whatsapp' }] });
    expect(ctx.webcom.sent[0].channel).toBe('whatsapp');
    const error = await thrown(
      ctx.verification.start({ to: '79990000001', workflow: [{ channel: 'pigeon' }] } as never),
    );
    expect((error as WebcomValidationError).errors[0].field).toBe('workflow');
  });
});

describe('WebcomVerificationService: nothing private leaks', () => {
  it('keeps codes and numbers out of the store, events and errors', async () => {
    ctx = await startWithClock({ maxCheckAttempts: 1 });
    const { id } = await ctx.verification.start({ to: NUMBER });
    const code = ctx.webcom.lastCode(NUMBER)!;
    const stored = rendered(await ctx.store.find(id));
    const conflict = await thrown(ctx.verification.start({ to: NUMBER }));
    await ctx.verification.check(id, code === '000000' ? '111111' : '000000');
    await ctx.verification.check(id, code);
    for (const text of [stored, rendered(ctx.events), rendered(conflict)]) {
      expect(text).not.toContain(code);
      expect(text).not.toContain('1234567');
    }
    expect(ctx.events.map((e) => (e.type === 'failed' ? e.outcome : e.type))).toEqual([
      'started',
      'wrong_code',
      'too_many_attempts',
      'too_many_attempts',
    ]);
  });
});
