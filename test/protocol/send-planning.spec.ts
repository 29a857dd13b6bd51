import { credentialParams, encodeSend } from '../../lib/protocol/encode.js';
import type { Channel } from '../../lib/protocol/channels.js';
import type { OutgoingMessage } from '../../lib/protocol/messages.js';
import { encodeQuery, planSendRequests } from '../../lib/protocol/query.js';
import { validationRefusal } from '../support/thrown.js';

const PREFIX = 'https://my3.webcom.mobi/sendsms.php';
const CREDENTIALS = encodeQuery(credentialParams({ user: 'shop', password: 's3cret' }));
const SENDERS = { sms: 'Shop', viber: 'ShopV', voice: 'ShopVoice' };

/** Plans a send as the service does: credentials and content lead, recipients follow. */
function plan(channel: Channel, message: OutgoingMessage, maxUrlLength = 8000) {
  const wire = encodeSend(channel, message, SENDERS);
  return planSendRequests(PREFIX, `${CREDENTIALS}&${encodeQuery(wire.params)}`, wire, maxUrlLength);
}

describe('too long a text is refused on the text, saying how long it may be', () => {
  it.each([
    ['100,000 Latin characters', 'a'.repeat(100_000)],
    ['1,400 Cyrillic characters', 'я'.repeat(1_400)],
  ])('%s in an SMS', (_, text) => {
    const error = validationRefusal(() => plan('sms', { to: '79991234567', text }));
    expect(error.errors.map((e) => e.field)).toEqual(['text']);
    const [message] = error.errors[0].messages;
    expect(message).toMatch(/maxUrlLength \(8000\)/);
    expect(message).not.toMatch(/recipient/);
    // How long it may be, in URL characters, close to what is left of 8000.
    const allowed = Number(/at most (\d+)/.exec(message)![1]);
    expect(allowed).toBeGreaterThan(7800);
    expect(allowed).toBeLessThan(8000);
  });

  it('the limit it names is the one that fits', () => {
    const [message] = validationRefusal(() =>
      plan('sms', { to: '79991234567', text: 'a'.repeat(9000) }),
    ).errors[0].messages;
    const allowed = Number(/at most (\d+)/.exec(message)![1]);
    expect(() => plan('sms', { to: '79991234567', text: 'a'.repeat(allowed) })).not.toThrow();
    expect(
      validationRefusal(() => plan('sms', { to: '79991234567', text: 'a'.repeat(allowed + 1) }))
        .errors[0].field,
    ).toBe('text');
  });

  it('a long fallback text is refused on fallback.text', () => {
    const error = validationRefusal(() =>
      plan('viber', {
        to: '79991234567',
        text: 'hi',
        fallback: { channel: 'sms', text: 'ж'.repeat(2000) },
      }),
    );
    expect(error.errors.map((e) => e.field)).toEqual(['fallback.text']);
  });

  it('a short text with a limit too small for any recipient still names `to`', () => {
    const error = validationRefusal(() => plan('sms', { to: '79991234567', text: 'hi' }, 60));
    expect(error.errors.map((e) => e.field)).toEqual(['to']);
  });
});

describe('duplicate recipients: one message per distinct number', () => {
  it('sends each number once, in the order first given', () => {
    const wire = encodeSend(
      'sms',
      { to: ['79991234567', '79997654321', '79991234567', '79997654321'], text: 'hi' },
      SENDERS,
    );
    expect(wire.recipients).toEqual(['79991234567', '79997654321']);
  });
});

describe('encodeQuery', () => {
  it('refuses a lone surrogate with a WebcomValidationError naming the parameter, never a URIError', () => {
    const error = validationRefusal(() => encodeQuery([['sadr', 'S\uD800']]));
    expect(error.errors.map((e) => e.field)).toEqual(['sadr']);
  });
});
