import {
  possiblyDelivered,
  WebcomAmbiguousSendError,
  WebcomApiError,
  WebcomTransportError,
} from '../../lib/errors/webcom-errors.js';
import { decodeBalance, decodeSend, matchRecipients } from '../../lib/protocol/decode.js';

const answer = (price: string, balance = '"143777.36"') =>
  `{"information":[{"id_message":"112346","price":${price}}],"balance":${balance}}`;

const HUGE = '1'.repeat(400);

describe('D12: a 2xx answer with message ids is an acceptance', () => {
  it.each([
    ['an empty price', '""'],
    ['a null price', 'null'],
    ['a price "NaN"', '"NaN"'],
    ['a price "Infinity"', '"Infinity"'],
    ['a negative price', '"-1.50"'],
    ['a price of 400 digits', `"${HUGE}"`],
    ['a price that is a word', '"free"'],
    ['no price at all', undefined],
  ])('%s gives the message without a price', (_, price) => {
    const body =
      price === undefined
        ? '{"information":[{"id_message":"112346"}],"balance":"143777.36"}'
        : answer(price);
    const result = decodeSend(body);
    expect(result).toEqual({ messages: [{ id: '112346' }], balance: 143777.36 });
    expect(result!.messages[0]).not.toHaveProperty('price');
  });

  it.each([
    ['"10,60"', 10.6],
    ['"10.6000000"', 10.6],
    ['" 0,27 "', 0.27],
    ['10.6', 10.6],
    ['"0"', 0],
  ])('reads the price %s as %d', (price, expected) => {
    expect(decodeSend(answer(price))?.messages[0].price).toBe(expected);
  });

  it.each([
    ['unreadable', '"n/a"'],
    ['of 400 digits', `"${HUGE}"`],
    ['null', 'null'],
  ])('a balance that is %s is left out, the send still accepted', (_, balance) => {
    expect(decodeSend(answer('"1"', balance))).toEqual({ messages: [{ id: '112346', price: 1 }] });
  });

  it('an entry without an id beside one with an id is still an acceptance', () => {
    expect(
      decodeSend('{"information":[{"id_message":"7","price":"1"},{"error":"bad number"}]}'),
    ).toEqual({ messages: [{ id: '7', price: 1 }] });
  });

  it('the plain-text form has no price', () => {
    const result = decodeSend('112346,112347,0');
    expect(result).toEqual({ messages: [{ id: '112346' }, { id: '112347' }] });
  });
});

describe('ids are opaque strings from the raw text', () => {
  it.each([
    ['above 2^53', '12345678901234567890123'],
    ['2^53 + 1', '9007199254740993'],
    ['with a fraction', '1.10'],
    ['in exponent form', '1e3'],
  ])('a numeric id %s keeps its digits', (_, id) => {
    const body = `{"information":[{"id_message":${id},"price":1.5}],"balance":2}`;
    expect(decodeSend(body)).toEqual({ messages: [{ id, price: 1.5 }], balance: 2 });
  });

  it('a string that holds digits and quotes is not mistaken for numbers', () => {
    const body = '{"information":[{"id_message":"a\\"1,2\\"","price":"3"}],"note":"4 5"}';
    expect(decodeSend(body)?.messages).toEqual([{ id: 'a"1,2"', price: 3 }]);
  });
});

describe('a balance must be a finite number', () => {
  it.each([
    ['400 digits', `{"balance":"${HUGE}"}`],
    ['400 digits as a JSON number', `{"balance":${HUGE}}`],
    ['400 digits in the plain-text form', `${HUGE}\nRUB`],
    ['"Infinity"', '{"balance":"Infinity"}'],
    ['"NaN"', '{"balance":"NaN"}'],
  ])('refuses %s', (_, body) => {
    expect(decodeBalance(body)).toBeUndefined();
  });

  it('a decimal comma is no balance (143,777 may be thousands)', () => {
    expect(decodeBalance('{"balance":"143777,36"}')).toBeUndefined();
  });
});

describe('matchRecipients: each message gets its recipient, in request order', () => {
  it('gives each id its `to`', () => {
    expect(
      matchRecipients(
        {
          messages: [
            { id: '1', price: 2 },
            { id: '2', price: 2 },
          ],
          balance: 5,
        },
        ['79991234567', '79997654321'],
      ),
    ).toEqual({
      messages: [
        { id: '1', to: '79991234567', price: 2 },
        { id: '2', to: '79997654321', price: 2 },
      ],
      balance: 5,
    });
  });

  it("to one recipient, every id is that recipient's (D13)", () => {
    expect(
      matchRecipients({ messages: [{ id: '1', price: 2 }, { id: '2' }] }, ['79991234567']),
    ).toEqual({
      messages: [
        { id: '1', to: '79991234567', price: 2 },
        { id: '2', to: '79991234567' },
      ],
    });
  });

  it.each([
    ['shorter', [{ id: '1' }], ['79991234567', '79997654321']],
    ['longer', [{ id: '1' }, { id: '2' }, { id: '3' }], ['79991234567', '79997654321']],
  ])(
    'an id list %s than the recipients is a WebcomAmbiguousSendError carrying the ids, possibly delivered',
    (_, messages, recipients) => {
      let error: unknown;
      try {
        matchRecipients({ messages, balance: 1 }, recipients);
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(WebcomAmbiguousSendError);
      const ambiguous = error as WebcomAmbiguousSendError;
      expect(ambiguous.possiblyDelivered).toBe(true);
      expect(ambiguous.messages).toEqual(messages);
      expect(ambiguous.recipients).toBe(recipients.length);
      expect(ambiguous.message).toMatch(/may have been delivered/);
      expect(ambiguous.toJSON()).toMatchObject({
        name: 'WebcomAmbiguousSendError',
        possiblyDelivered: true,
        messages,
        recipients: recipients.length,
      });
      // A user who resends on every WebcomApiError must not resend this one.
      expect(error).not.toBeInstanceOf(WebcomApiError);
      expect(possiblyDelivered(error)).toBe(true);
    },
  );
});

describe('possiblyDelivered', () => {
  it('follows the error', () => {
    expect(possiblyDelivered(new WebcomTransportError('ECONNRESET', true, 'reset'))).toBe(true);
    expect(possiblyDelivered(new WebcomTransportError('ECONNREFUSED', false, 'refused'))).toBe(
      false,
    );
    expect(possiblyDelivered(new WebcomApiError(400, 'bad'))).toBe(false);
    expect(possiblyDelivered(new Error('x'))).toBe(false);
  });
});
