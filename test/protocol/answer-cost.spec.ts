import fc from 'fast-check';
import { pageText } from '../../lib/client/registration.js';
import { SecretRedactor } from '../../lib/errors/redaction.js';
import { decodeBalance, decodeSend, decodeStatus } from '../../lib/protocol/decode.js';
import { quoteNumbers } from '../../lib/protocol/exact-json.js';
import { gatewayRefusal } from '../../lib/transport/gateway-transport.js';
import { MAX_RESPONSE_BYTES } from '../../lib/transport/http-transport.js';

/**
 * What a hostile answer can cost: every body up to the size cap is read in time proportional to
 * its length. The bound is generous (ten seconds for a mebibyte, so that a 2-core machine running
 * other suites beside this one stays well inside it): it tells linear from quadratic time, which
 * costs minutes at this size (the old decoder took 37 s on 100 kB); it is no benchmark
 * (`npm run bench` holds those).
 */
const BOUND_MS = 10_000;

/** `head`, then `unit` repeated up to the size cap. */
const atCap = (head: string, unit: string) =>
  head + unit.repeat(Math.floor((MAX_RESPONSE_BYTES - head.length) / unit.length));

const HOSTILE: [string, string][] = [
  ['an unterminated string of \\" pairs', atCap('{"information":[{"id_message":"', '\\"')],
  ['an unterminated string of \\" pairs after a number', atCap('{"balance":1,"x":"', '\\"')],
  ['a run of spaces inside a plain-text id list', `${atCap('1', ' ')}x`],
  ['a run of line breaks inside a plain-text id list', `${atCap('1', '\n')}x`],
  ['spaces and commas', `${atCap('1', ' , ')}x`],
  ['digits without end', atCap('{"balance":', '1')],
  ['an amount of digits ending in a letter', `${atCap('{"balance":"', '1')} x"}`],
  ['ids cut off again and again', atCap('{"information":[', '{"id_message":"1')],
  ['numeric ids cut off again and again', atCap('{"information":[', '{"id_message":1 ')],
  ['minus signs', atCap('{"information":', '-')],
  ['nested arrays', atCap('{"information":', '[')],
  ['HTML with tags never closed', atCap('<html>', '<')],
  ['script tags never closed', atCap('<html>', '<script></x')],
  ['percent signs and escapes', atCap('', '%D0%\\u04&#x')],
];

function elapsed(run: () => unknown): number {
  const started = performance.now();
  run();
  return performance.now() - started;
}

describe('the cost of an answer is bounded at the size cap', () => {
  const redactor = new SecretRedactor(['Пароль-Q7x!Zk9w', 'p@ss w0rd&pwd=x+y#z%2F/?;:é']);
  beforeAll(() => redactor.redact('compiles the patterns'));

  it.each(HOSTILE)('%s: decoded within the bound', (_, body) => {
    expect(body.length).toBeGreaterThan(MAX_RESPONSE_BYTES - 16);
    expect(elapsed(() => decodeSend(body))).toBeLessThan(BOUND_MS);
    expect(elapsed(() => decodeBalance(body))).toBeLessThan(BOUND_MS);
    expect(elapsed(() => decodeStatus('1', body))).toBeLessThan(BOUND_MS);
  });

  it.each(HOSTILE)('%s: made an error, redacted, within the bound', (_, body) => {
    expect(elapsed(() => gatewayRefusal({ status: 200, body }, redactor))).toBeLessThan(BOUND_MS);
  });

  it.each(HOSTILE)(
    '%s: a registration page of it is read, each step within the bound',
    (_, body) => {
      // The steps of the registration result: scrub the page, take its text, scrub that.
      let text = '';
      expect(elapsed(() => (text = redactor.redact(body)))).toBeLessThan(BOUND_MS);
      expect(elapsed(() => (text = pageText(text)))).toBeLessThan(BOUND_MS);
      expect(elapsed(() => redactor.redact(text))).toBeLessThan(BOUND_MS);
    },
  );
});

describe('quoteNumbers', () => {
  it.each([
    ['{"a":1,"b":-2.5e+3,"c":"7","d":[1,2]}', '{"a":"1","b":"-2.5e+3","c":"7","d":["1","2"]}'],
    ['{"a":"x\\"1","b":12345678901234567890123}', '{"a":"x\\"1","b":"12345678901234567890123"}'],
    ['{"a":true,"b":null,"c":"\\\\"}', '{"a":true,"b":null,"c":"\\\\"}'],
    ['{"a":1.,"b":1e}', '{"a":"1".,"b":"1"e}'],
  ])('%s', (json, quoted) => {
    expect(quoteNumbers(json)).toBe(quoted);
  });

  it('reads any JSON object as JSON.parse does, every number as its own text', () => {
    const numbersAsText = (value: unknown): unknown =>
      typeof value === 'number'
        ? JSON.stringify(value)
        : Array.isArray(value)
          ? value.map(numbersAsText)
          : value !== null && typeof value === 'object'
            ? Object.fromEntries(Object.entries(value).map(([k, v]) => [k, numbersAsText(v)]))
            : value;
    fc.assert(
      fc.property(fc.dictionary(fc.string(), fc.jsonValue({ maxDepth: 4 })), (object) => {
        const json = JSON.stringify(object);
        expect(JSON.parse(quoteNumbers(json)!)).toEqual(numbersAsText(JSON.parse(json)));
      }),
    );
  });

  it('an id above 2^53 keeps its digits', () => {
    expect(
      decodeSend('{"information":[{"id_message":12345678901234567890123,"price":1}]}'),
    ).toEqual({ messages: [{ id: '12345678901234567890123', price: 1 }] });
  });
});

describe('an answer nested deeper than any the gateway gives', () => {
  it('is no answer', () => {
    const deep = `{"information":${'['.repeat(40)}${']'.repeat(40)},"balance":"1"}`;
    expect(quoteNumbers(deep)).toBeUndefined();
    expect(decodeBalance(deep)).toBeUndefined();
    expect(
      decodeBalance(`{"information":${'['.repeat(20)}${']'.repeat(20)},"balance":"1"}`),
    ).toEqual({ balance: 1 });
  });
});
