import { WebcomAmbiguousSendError } from '../../lib/errors/webcom-errors.js';
import {
  decodeBalance,
  decodeSend,
  decodeStatus,
  matchRecipients,
} from '../../lib/protocol/decode.js';

/** The send answers exactly as the vendor's document prints them, spacing and all. */
const SPEC_SEND_ANSWERS: [string, string][] = [
  [
    'SMS §1.2.3',
    '{"information":[{"id_message":"112346","price":"10.6000000"}, {"id_message":"112347","price":"0.2700000"}], "balance": "143777.36"}',
  ],
  [
    'Viber §1.3.3',
    '{"information":[{"id_message":"112346","price":"10.6000000"},{"id_message":"112347","price":"0.2700000"}],"balance": "143777.36"}',
  ],
  [
    'Voice §1.4.3',
    '{"information":[{"id_message":"112346","price":"10.6000000"}, {"id_message":"112347","price":"0.2700000"}], "balance": "143777.36"}',
  ],
  [
    'Cascade §1.5.3',
    '{"information":[{"id_message":"112346","price":"10.6000000"}, {"id_message":"112347","price":"0.2700000"}], "balance": "143777.36"}',
  ],
  [
    'Flashcall §1.8.3',
    '{"information":[{"id_message":"112346","price":"10.6000000"}, {"id_message":"112347","price":"0.2700000"}], "balance": "143777.36"}',
  ],
  [
    'Telegram §1.10.3',
    '\n{"information":[{"id_message":"112346","price":"10.6000000"}, {"id_message":"112347","price":"0.2700000"}], "balance": "143777.36"}\n',
  ],
  [
    'WhatsApp §1.11.3',
    '{"information":[{"id_message":"112346","price":"10.6000000"},{"id_message":"112347","price":"0.2700000"}],"balance": "143777.36"}',
  ],
];

/** Bodies that are no success answer to anything. */
const REFUSALS: [string, string][] = [
  ['an error object', '{"error":"x"}'],
  ['an HTML page', '<!DOCTYPE html><html><body>Ошибка авторизации</body></html>'],
  ['an empty body', ''],
  ['whitespace', '  \n'],
  ['malformed JSON naming no id', '{"information":[{"price":"1"'],
  ['malformed JSON whose only id is cut off', '{"information":[{"id_message":"11'],
  ['an empty information list', '{"information":[]}'],
  ['a JSON array', '[{"id_message":"1","price":"1"}]'],
  ['a JSON string', '"deliver"'],
  ['null', 'null'],
];

describe('decodeSend on a JSON answer too broken to parse (D12)', () => {
  it.each([
    ['cut off after an id', '{"information":[{"id_message":"112346","price":"10.6', ['112346']],
    [
      'cut off in the second entry',
      '{"information":[{"id_message":"1","price":"1"},{"id_message":"2","pr',
      ['1', '2'],
    ],
    [
      'a numeric id, closed',
      '{"information":[{"id_message":12345678901234567890,"pri',
      ['12345678901234567890'],
    ],
    [
      'a second id cut inside its digits',
      '{"information":[{"id_message":"1"},{"id_message":"2',
      ['1'],
    ],
    [
      'a numeric id cut inside its digits',
      '{"information":[{"id_message":"1"},{"id_message":23',
      ['1'],
    ],
  ])('%s: the ids it names are an acceptance, without prices', (_, body, ids) => {
    expect(decodeSend(body)).toEqual({ messages: ids.map((id) => ({ id })) });
  });

  it('ids fewer than the recipients make an ambiguous send, never a refusal', () => {
    const answer = decodeSend('{"information":[{"id_message":"1"},{"id_message":"2');
    expect(() => matchRecipients(answer!, ['79991234567', '79991234568'])).toThrow(
      WebcomAmbiguousSendError,
    );
  });
});

describe('decodeSend', () => {
  it.each(SPEC_SEND_ANSWERS)('decodes the example answer of %s', (_, body) => {
    const result = decodeSend(body);
    expect(result).toEqual({
      messages: [
        { id: '112346', price: 10.6 },
        { id: '112347', price: 0.27 },
      ],
      balance: 143777.36,
    });
    // Ids stay strings, prices and balance become numbers.
    for (const message of result!.messages) {
      expect(typeof message.id).toBe('string');
      expect(typeof message.price).toBe('number');
    }
  });

  it('accepts ids and prices sent as JSON numbers; ids still come back as strings', () => {
    expect(
      decodeSend('{"information":[{"id_message":112346,"price":10.6}],"balance":143777.36}'),
    ).toEqual({ messages: [{ id: '112346', price: 10.6 }], balance: 143777.36 });
  });

  it('keeps an id that is not a number as it is: ids are opaque', () => {
    expect(
      decodeSend('{"information":[{"id_message":"a-7f3c","price":"1.5"}],"balance":"2"}'),
    ).toEqual({ messages: [{ id: 'a-7f3c', price: 1.5 }], balance: 2 });
  });

  it('keeps long ids exactly, without going through a number', () => {
    const id = '123456789012345678901234567890';
    expect(decodeSend(`{"information":[{"id_message":"${id}","price":"0"}]}`)?.messages[0].id).toBe(
      id,
    );
  });

  it('keeps the order of the gateway', () => {
    const ids = ['9', '3', '7', '1', '5'];
    const body = JSON.stringify({
      information: ids.map((id) => ({ id_message: id, price: '0.1' })),
      balance: '1',
    });
    expect(decodeSend(body)?.messages.map((m) => m.id)).toEqual(ids);
  });

  it('an answer without a balance has no balance key', () => {
    const result = decodeSend('{"information":[{"id_message":"5","price":"0.27"}]}');
    expect(result).toEqual({ messages: [{ id: '5', price: 0.27 }] });
    expect(result).not.toHaveProperty('balance');
  });

  it('the plain-text form: ids separated by commas, the closing 0 dropped', () => {
    const result = decodeSend('112346,112347,0');
    expect(result?.messages.map((m) => m.id)).toEqual(['112346', '112347']);
    // That form carries no price.
    expect(result?.messages.some((m) => 'price' in m)).toBe(false);
    expect(result).not.toHaveProperty('balance');
  });

  it.each([
    ['112346', ['112346']],
    ['112346,', ['112346']],
    ['112346,0', ['112346']],
    ['112346,112347', ['112346', '112347']],
    ['112346,112347,0\n', ['112346', '112347']],
    [' 112346, 112347 ,0 ', ['112346', '112347']],
  ])('the plain-text form %j gives %j', (body, ids) => {
    expect(decodeSend(body)?.messages.map((m) => m.id)).toEqual(ids);
  });

  // Whitespace never joins two ids into one that no message has: "55\n110" is not id 55110.
  it.each([
    ['112346\n112347', ['112346', '112347']],
    ['112346 112347', ['112346', '112347']],
    ['55\r\n1\r\n10', ['55', '1', '10']],
    ['112346 ,\t112347,0', ['112346', '112347']],
  ])('the plain-text form %j keeps the ids apart: %j', (body, ids) => {
    expect(decodeSend(body)?.messages.map((m) => m.id)).toEqual(ids);
  });

  it.each([
    ...REFUSALS,
    ['0 alone', '0'],
    ['0,0', '0,0'],
    ['a 0 among the ids', '112346,0,112347'],
    ['an error word', 'ERROR'],
    ['a negative code', '-1'],
    ['a balance answer', '{"balance":"143777.36"}'],
    ['an entry without id', '{"information":[{"price":"1"}]}'],
    ['an entry with an empty id', '{"information":[{"id_message":"","price":"1"}]}'],
    ['an information entry that is no object', '{"information":["112346"]}'],
    ['a status answer', '{"state":"deliver"}'],
  ])('refuses %s', (_, body) => {
    expect(decodeSend(body)).toBeUndefined();
  });
});

describe('decodeBalance', () => {
  it('decodes {"balance":"143777.36"} to a number', () => {
    expect(decodeBalance('{"balance":"143777.36"}')).toEqual({ balance: 143777.36 });
  });

  it('decodes a balance sent as a JSON number, and a negative balance', () => {
    expect(decodeBalance('{"balance":143777.36}')).toEqual({ balance: 143777.36 });
    expect(decodeBalance('{"balance":"-12.5"}')).toEqual({ balance: -12.5 });
    expect(decodeBalance('{"balance":"0"}')).toEqual({ balance: 0 });
  });

  it('keeps the currency when the JSON names one', () => {
    expect(decodeBalance('{"balance":"10.5","currency":"RUB"}')).toEqual({
      balance: 10.5,
      currency: 'RUB',
    });
  });

  it('reads the balance from a send answer too', () => {
    expect(decodeBalance(SPEC_SEND_ANSWERS[0][1])).toEqual({ balance: 143777.36 });
  });

  it('the plain-text form: amount, then currency on the next line', () => {
    expect(decodeBalance('143777.36\nRUB')).toEqual({ balance: 143777.36, currency: 'RUB' });
    expect(decodeBalance('143777.36\r\nRUB\r\n')).toEqual({ balance: 143777.36, currency: 'RUB' });
  });

  it('the plain-text form without a currency', () => {
    const result = decodeBalance('143777.36\n');
    expect(result).toEqual({ balance: 143777.36 });
    expect(result).not.toHaveProperty('currency');
  });

  it.each([
    ...REFUSALS,
    ['a balance that is no number', '{"balance":"lots"}'],
    ['an empty balance', '{"balance":""}'],
    ['a JSON object without balance', '{"information":[{"id_message":"1","price":"1"}]}'],
    ['text', 'Access denied'],
    ['an amount followed by more lines', '143777.36\nRUB\nextra'],
    ['an amount with a word for a currency', '143777.36\nroubles'],
    ['an amount with a comma', '143777,36'],
  ])('refuses %s', (_, body) => {
    expect(decodeBalance(body)).toBeUndefined();
  });
});

describe('decodeStatus', () => {
  it.each([
    ['send', false, false],
    ['deliver', false, true],
    ['read', true, true],
    ['not_deliver', true, true],
    ['expired', true, true],
    ['partly_deliver', true, true],
  ] as const)(
    'state %s is final: %s, settled: %s (docs/protocol.md §3, D11)',
    (state, final, settled) => {
      const body = JSON.stringify({ state, time: '2026-11-27 10:00:00' });
      expect(decodeStatus('112346', body)).toEqual({
        id: '112346',
        state,
        final,
        settled,
        time: '2026-11-27 10:00:00',
      });
    },
  );

  it('an empty time (state send) is left out', () => {
    const status = decodeStatus('112346', '{"state":"send","time":""}');
    expect(status).toEqual({ id: '112346', state: 'send', final: false, settled: false });
    expect(status).not.toHaveProperty('time');
    expect(status).not.toHaveProperty('code');
  });

  it("a flashcall's text_sms becomes its code", () => {
    expect(
      decodeStatus('77', '{"state":"deliver","time":"2026-11-27 10:00:00","text_sms":"4821"}'),
    ).toEqual({
      id: '77',
      state: 'deliver',
      final: false,
      settled: true,
      time: '2026-11-27 10:00:00',
      code: '4821',
    });
  });

  it('a code sent as a number keeps its digits as a string', () => {
    expect(decodeStatus('77', '{"state":"read","text_sms":4821}')?.code).toBe('4821');
  });

  it('an empty text_sms is no code', () => {
    expect(decodeStatus('77', '{"state":"read","text_sms":""}')).not.toHaveProperty('code');
  });

  it('the id is the one asked about', () => {
    expect(decodeStatus('abc-1', '{"state":"read"}')?.id).toBe('abc-1');
  });

  it.each([
    ['deliver', false, true],
    ['read\n', true, true],
    ['  not_deliver  ', true, true],
    ['send', false, false],
  ] as const)('the plain-text form: the bare word %j', (body, final, settled) => {
    expect(decodeStatus('5', body)).toEqual({ id: '5', state: body.trim(), final, settled });
  });

  it.each([
    ...REFUSALS,
    ['an unknown state word', 'delivered'],
    ['an unknown state in JSON', '{"state":"delivered"}'],
    ['a state word in another case', 'DELIVER'],
    ['0 alone', '0'],
    ['a state that is no string', '{"state":1}'],
    ['a send answer', SPEC_SEND_ANSWERS[0][1]],
    ['a state word with more text', 'deliver 2026-11-27'],
  ])('refuses %s', (_, body) => {
    expect(decodeStatus('1', body)).toBeUndefined();
  });
});
