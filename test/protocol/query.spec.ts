import fc from 'fast-check';
import { WebcomValidationError } from '../../lib/errors/webcom-errors.js';
import type { WireParams, WireSend } from '../../lib/protocol/encode.js';
import { encodeQuery, planSendRequests, type SendRequestPlan } from '../../lib/protocol/query.js';
import { thrown } from '../support/thrown.js';

const SAFE_QUERY =
  /^[A-Za-z0-9_]+=[A-Za-z0-9\-_.!~*'()%]*(&[A-Za-z0-9_]+=[A-Za-z0-9\-_.!~*'()%]*)*$/;

const NAMES = ['user', 'pwd', 'text', 'text_viber', 'button_viber', 'action_viber', 'sadr'];

describe('encodeQuery', () => {
  it('joins name=value pairs with &', () => {
    expect(
      encodeQuery([
        ['user', 'ivan'],
        ['balance', '1'],
      ]),
    ).toBe('user=ivan&balance=1');
    expect(encodeQuery([])).toBe('');
  });

  it.each([
    ['&=+#%', '%26%3D%2B%23%25'],
    ['a b', 'a%20b'],
    ['\r\n', '%0D%0A'],
    ['Привет', '%D0%9F%D1%80%D0%B8%D0%B2%D0%B5%D1%82'],
    ['😀', '%F0%9F%98%80'],
    ['?/:@', '%3F%2F%3A%40'],
  ])('percent-encodes %j as UTF-8 (%s)', (value, encoded) => {
    expect(encodeQuery([['text', value]])).toBe(`text=${encoded}`);
  });

  it('an empty value stays a present, empty parameter', () => {
    const decoded = new URLSearchParams(encodeQuery([['text', '']]));
    expect(decoded.has('text')).toBe(true);
    expect(decoded.get('text')).toBe('');
  });

  it('gives back every byte of any well-formed text through URLSearchParams', () => {
    const tricky = fc.constantFrom(
      '&',
      '=',
      '+',
      '#',
      '%',
      '%20',
      '%zz',
      '\r',
      '\n',
      '\r\n',
      ' ',
      '😀',
      '👍🏽',
      'ё',
      'Привет',
      '\u0000',
      '\u00a0',
      '?',
      ';',
    );
    const value = fc
      .array(fc.oneof(fc.string({ unit: 'binary' }), tricky, fc.string({ unit: 'grapheme' })), {
        maxLength: 8,
      })
      .map((parts) => parts.join(''));
    const params = fc.array(fc.tuple(fc.constantFrom(...NAMES), value), {
      minLength: 1,
      maxLength: 8,
    });
    fc.assert(
      fc.property(params, (wire: WireParams) => {
        if (!wire.every(([, text]) => text.isWellFormed())) return false;
        const query = encodeQuery(wire);
        // Nothing that ends or splits a value is left raw: only unreserved characters, escapes,
        // and the & and = between pairs.
        if (!SAFE_QUERY.test(query)) return false;
        const decoded = [...new URLSearchParams(query)];
        // Byte for byte in UTF-8, not merely the same JavaScript string.
        return (
          decoded.length === wire.length &&
          decoded.every(
            ([name, text], index) =>
              name === wire[index][0] &&
              Buffer.from(text, 'utf8').equals(Buffer.from(wire[index][1], 'utf8')),
          )
        );
      }),
      { numRuns: 200 },
    );
  });
});

const PREFIX = 'https://my3.webcom.mobi/sendsms.php';
const LEADING = encodeQuery([
  ['user', 'ivan'],
  ['pwd', 's3cret'],
  ['type_send_1', 'sms'],
  ['sadr', 'Shop'],
  ['text', 'Привет & до встречи 😀'],
]);

/** The request one plan stands for, as the service sends it. */
const fullUrl = (plan: SendRequestPlan, prefix = PREFIX) => `${prefix}?${plan.query}`;

/** The URL of a request carrying `recipients`, built independently of the planner. */
function urlFor(prefix: string, leading: string, names: readonly string[], recipients: string[]) {
  const list = recipients.join(',');
  return `${prefix}?${leading}&${encodeQuery(names.map((name) => [name, list]))}`;
}

/**
 * Checks every promise of `planSendRequests` for one input. Problems are collected and asserted
 * once: thousands of `expect` calls per run would make the large property slow.
 */
function checkPlan(
  prefix: string,
  leading: string,
  names: readonly string[],
  recipients: string[],
  maxUrlLength: number,
) {
  const send: WireSend = { params: [], recipientParams: names, recipients };
  const longest = recipients.reduce((a, b) => (b.length > a.length ? b : a));
  if (urlFor(prefix, leading, names, [longest]).length > maxUrlLength) {
    const error = thrown(() => planSendRequests(prefix, leading, send, maxUrlLength));
    expect(error).toBeInstanceOf(WebcomValidationError);
    expect((error as WebcomValidationError).errors.map((e) => e.field)).toEqual(['to']);
    return;
  }
  const plans = planSendRequests(prefix, leading, send, maxUrlLength);
  const problems: string[] = [];
  // Every recipient in exactly one plan, in order.
  const planned = plans.flatMap((plan) => plan.recipients);
  if (planned.length !== recipients.length || planned.some((r, i) => r !== recipients[i])) {
    problems.push('the plans do not hold the recipients once each, in order');
  }
  for (const [index, plan] of plans.entries()) {
    if (plan.recipients.length === 0) problems.push(`plan ${index} is empty`);
    const url = fullUrl(plan, prefix);
    if (url.length > maxUrlLength) problems.push(`plan ${index}: ${url.length} > ${maxUrlLength}`);
    // The request is the leading parameters, then the plan's recipients under each name.
    if (url !== urlFor(prefix, leading, names, plan.recipients)) {
      problems.push(`plan ${index}: unexpected URL ${url}`);
    }
    // As few requests as fit: the next recipient would not have fitted into this one.
    const next = plans[index + 1];
    if (
      next &&
      urlFor(prefix, leading, names, [...plan.recipients, next.recipients[0]]).length <=
        maxUrlLength
    ) {
      problems.push(`plan ${index} could have taken the next recipient`);
    }
    if (problems.length > 5) break;
  }
  // And the first and last request decode to the leading parameters and their recipients.
  for (const plan of new Set([plans[0], plans[plans.length - 1]])) {
    const list = plan.recipients.join(',');
    expect([...new URL(fullUrl(plan, prefix)).searchParams]).toEqual([
      ...new URLSearchParams(leading),
      ...names.map((name) => [name, list]),
    ]);
  }
  expect(problems).toEqual([]);
}

/** A small deterministic generator, so that large lists cost no shrinking machinery. */
function mulberry32(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function phoneNumbers(count: number, seed: number): string[] {
  const random = mulberry32(seed);
  const numbers: string[] = [];
  for (let i = 0; i < count; i++) {
    const length = 10 + Math.floor(random() * 6);
    // 15 digits, the first one not 0, cut to the length.
    const high = 1_000_000 + Math.floor(random() * 9_000_000);
    const low = String(Math.floor(random() * 100_000_000)).padStart(8, '0');
    numbers.push(`${high}${low}`.slice(0, length));
  }
  return numbers;
}

const phone = fc.stringMatching(/^[1-9]\d{9,14}$/);
const recipientNames = fc.constantFrom<readonly string[]>(['dadr'], ['dadr', 'addr']);

describe('planSendRequests', () => {
  const fixed = (names: readonly string[]) => urlFor(PREFIX, LEADING, names, []).length;

  it('a short list goes in one request', () => {
    const plans = planSendRequests(
      PREFIX,
      LEADING,
      { params: [], recipientParams: ['dadr'], recipients: ['79991234567', '79537775522'] },
      8000,
    );
    expect(plans).toEqual([
      {
        query: `${LEADING}&dadr=79991234567%2C79537775522`,
        recipients: ['79991234567', '79537775522'],
      },
    ]);
  });

  it('a URL exactly at the limit is fine; one character less splits it', () => {
    const recipients = ['79991234567', '79537775522'];
    const exact = urlFor(PREFIX, LEADING, ['dadr'], recipients).length;
    const send: WireSend = { params: [], recipientParams: ['dadr'], recipients };
    expect(planSendRequests(PREFIX, LEADING, send, exact)).toHaveLength(1);
    const split = planSendRequests(PREFIX, LEADING, send, exact - 1);
    expect(split.map((p) => p.recipients)).toEqual([['79991234567'], ['79537775522']]);
  });

  it('voice pays for its recipients twice (dadr and addr)', () => {
    const recipients = ['79991234567', '79537775522'];
    const max = urlFor(PREFIX, LEADING, ['dadr', 'addr'], ['79991234567']).length + 5;
    // Under dadr alone both fit under this limit…
    expect(urlFor(PREFIX, LEADING, ['dadr'], recipients).length).toBeLessThanOrEqual(max);
    // …under dadr and addr they do not.
    const send: WireSend = { params: [], recipientParams: ['dadr', 'addr'], recipients };
    const plans = planSendRequests(PREFIX, LEADING, send, max);
    expect(plans.map((p) => p.recipients)).toEqual([['79991234567'], ['79537775522']]);
    for (const plan of plans) {
      expect(fullUrl(plan).length).toBeLessThanOrEqual(max);
      const decoded = new URL(fullUrl(plan)).searchParams;
      expect(decoded.get('dadr')).toBe(plan.recipients[0]);
      expect(decoded.get('addr')).toBe(plan.recipients[0]);
    }
  });

  it('refuses a recipient that cannot fit even alone, naming `to`', () => {
    const send: WireSend = { params: [], recipientParams: ['dadr'], recipients: ['79991234567'] };
    const alone = urlFor(PREFIX, LEADING, ['dadr'], ['79991234567']).length;
    expect(planSendRequests(PREFIX, LEADING, send, alone)).toHaveLength(1);
    const error = thrown(() => planSendRequests(PREFIX, LEADING, send, alone - 1));
    expect(error).toBeInstanceOf(WebcomValidationError);
    expect((error as WebcomValidationError).errors.map((e) => e.field)).toEqual(['to']);
  });

  it('refuses when a later, longer recipient cannot fit alone', () => {
    const short = '7999123456';
    const long = '799912345678901';
    const max = urlFor(PREFIX, LEADING, ['dadr'], [short]).length;
    const error = thrown(() =>
      planSendRequests(
        PREFIX,
        LEADING,
        { params: [], recipientParams: ['dadr'], recipients: [short, short, long] },
        max,
      ),
    );
    expect(error).toBeInstanceOf(WebcomValidationError);
  });

  it('property: small lists against limits around a single recipient', () => {
    fc.assert(
      fc.property(
        fc.array(phone, { minLength: 1, maxLength: 60 }),
        recipientNames,
        fc.integer({ min: -20, max: 400 }),
        (recipients, names, slack) => {
          checkPlan(PREFIX, LEADING, names, recipients, fixed(names) + slack);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('property: 1 to 20,000 recipients against any limit', () => {
    const prefixes = fc.constantFrom(PREFIX, 'http://127.0.0.1:49152/sendsms.php');
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 20_000 }),
        fc.integer(),
        recipientNames,
        prefixes,
        fc.oneof(
          fc.integer({ min: 256, max: 1_000_000 }),
          fc.constant(8000),
          fc.integer({ min: 0, max: 2000 }).map((slack) => fixed(['dadr', 'addr']) + slack - 30),
        ),
        (count, seed, names, prefix, maxUrlLength) => {
          checkPlan(prefix, LEADING, names, phoneNumbers(count, seed), maxUrlLength);
        },
      ),
      { numRuns: 30 },
    );
  });

  it('20,000 recipients at the default limit: full requests, each within 8000', () => {
    const recipients = phoneNumbers(20_000, 42);
    const plans = planSendRequests(
      PREFIX,
      LEADING,
      { params: [], recipientParams: ['dadr'], recipients },
      8000,
    );
    expect(plans.length).toBeGreaterThan(20);
    expect(plans.flatMap((p) => p.recipients)).toEqual(recipients);
    for (const plan of plans) expect(fullUrl(plan).length).toBeLessThanOrEqual(8000);
    for (const plan of plans.slice(0, -1)) expect(fullUrl(plan).length).toBeGreaterThan(8000 - 20);
  });
});
