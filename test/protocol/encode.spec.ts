import 'reflect-metadata';
import { RegisterDto } from '../../lib/dto/register.dto.js';
import {
  SendCascadeDto,
  SendFlashcallDto,
  SendSmsDto,
  SendTelegramDto,
  SendViberDto,
  SendVoiceDto,
  SendWhatsappDto,
} from '../../lib/dto/send.dto.js';
import { validateDto } from '../../lib/dto/validate.js';
import { WebcomValidationError } from '../../lib/errors/webcom-errors.js';
import { WEBCOM_INDIVIDUAL_CODE, type Channel } from '../../lib/protocol/channels.js';
import {
  credentialParams,
  encodeBalance,
  encodeRegistration,
  encodeSend,
  encodeStatus,
  REGISTRATION_PATH,
  SEND_PATH,
  tokenHash,
  type Registration,
  type WireParams,
} from '../../lib/protocol/encode.js';
import type { Credentials, OutgoingMessage, Senders } from '../../lib/protocol/messages.js';
import { encodeQuery, planSendRequests } from '../../lib/protocol/query.js';
import { resolveOptions } from '../../lib/webcom-options.js';
import { thrown } from '../support/thrown.js';

const BASE = 'https://my3.webcom.mobi';
const PASSWORD: Credentials = { user: 'ivan', password: 's3cret' };

/** The whole URL of a send, built as the service builds it. */
function sendUrl(
  channel: Channel,
  message: OutgoingMessage,
  credentials: Credentials = PASSWORD,
  senders: Senders = {},
): URL {
  const wire = encodeSend(channel, message, senders);
  const leading = `${encodeQuery(credentialParams(credentials))}&${encodeQuery(wire.params)}`;
  const prefix = `${BASE}/${SEND_PATH}`;
  const plans = planSendRequests(prefix, leading, wire, 8000);
  expect(plans).toHaveLength(1);
  return new URL(`${prefix}?${plans[0].query}`);
}

function callUrl(params: WireParams, credentials: Credentials = PASSWORD): URL {
  return new URL(
    `${BASE}/${SEND_PATH}?${encodeQuery(credentialParams(credentials))}&${encodeQuery(params)}`,
  );
}

function registrationUrl(params: WireParams): URL {
  return new URL(`${BASE}/${REGISTRATION_PATH}?${encodeQuery(params)}`);
}

const names = (url: URL) => [...url.searchParams.keys()];
const sortedSet = (list: Iterable<string>) => [...new Set(list)].sort();

/** Each name once: no parameter is sent twice with possibly different values. */
function expectNoRepeats(url: URL) {
  const list = names(url);
  expect(list).toEqual([...new Set(list)]);
}

const params = (wire: WireParams) => Object.fromEntries(wire);

describe("the vendor's example URLs (spec §1.2–§1.11) with decisions D1–D9 applied", () => {
  interface Case {
    operation: string;
    /** The example URL exactly as the vendor's document writes it. */
    example: string;
    /** Names the decisions add to the example, and names they take away. */
    add?: string[];
    remove?: string[];
    /** The expected parameter names, written out from the spec. */
    expected: string[];
    build: () => URL;
  }

  const richContent = (prefix: string) => ({
    from: `${prefix} sender`,
    text: `${prefix} text`,
    button: { text: 'Open', url: 'https://example.com/promo' },
    imageUrl: 'http://example.com/picture.png',
  });
  const richMessage = (prefix: string) => ({ ...richContent(prefix), to: '+7 953 777-55-22' });

  const cases: Case[] = [
    {
      operation: 'SMS §1.2',
      example:
        'https://my3.webcom.mobi/sendsms.php?user=ваш_логин_в_нашей_системе&pwd=пароль&sadr=от_кого_придет_СМС&dadr=номер_телефона_получателя_сообщения&text=текст_смс',
      add: ['type_send_1'], // D6
      expected: ['user', 'pwd', 'type_send_1', 'sadr', 'dadr', 'text'],
      build: () =>
        sendUrl(
          'sms',
          validateDto(SendSmsDto, { from: 'Shop', to: '8 953 777 55 22', text: 'Привет & пока' }),
        ),
    },
    {
      operation: 'Viber §1.3',
      example:
        'https://my3.webcom.mobi/sendsms.php?user=ваш_логин_в_нашей_системе&pwd=пароль&type_send_1=viber&sender_viber=от_кого_придет_сообщение&dadr=номер_телефона_получателя_сообщения&text_viber=текст_Viber_сообщения&button_viber=текст_кнопки_Viber_сообщения&action_viber=ссылка_для_кнопки_Viber_сообщения&image_viber=http://адрес_картинки_для_Viber_сообщения',
      expected: [
        'user',
        'pwd',
        'type_send_1',
        'sender_viber',
        'dadr',
        'text_viber',
        'button_viber',
        'action_viber',
        'image_viber',
      ],
      build: () => sendUrl('viber', validateDto(SendViberDto, richMessage('Viber'))),
    },
    {
      operation: 'Voice §1.4, text to speak',
      example:
        'https://my3.webcom.mobi/sendsms.php?user=ваш логин в нашей системе&pwd=пароль&type_send_1=voice&name_clients_voice=от кого придет сообщение&addr=номер телефона получателя сообщения&text_voice=текст Voice сообщения &action_voice=ссылка на аудиофайл&waiting_voice=ожидание поднятия трубки&winterval_voice=интервал повтора&dial_voice=число попыток дозвона&gender_voice=голос озвучки',
      // D1 dadr beside addr, D2 interval_voice beside winterval_voice; this message speaks
      // text (D10: text, an audio URL, or both).
      add: ['dadr', 'interval_voice'],
      remove: ['action_voice'],
      expected: [
        'user',
        'pwd',
        'type_send_1',
        'name_clients_voice',
        'dadr',
        'addr',
        'text_voice',
        'waiting_voice',
        'interval_voice',
        'winterval_voice',
        'dial_voice',
        'gender_voice',
      ],
      build: () =>
        sendUrl(
          'voice',
          validateDto(SendVoiceDto, {
            from: 'Clinic',
            to: '79537775522',
            text: 'Ваш приём завтра в 10:00',
            waitSeconds: 20,
            retryIntervalSeconds: 600,
            attempts: 3,
            voice: 5,
          }),
        ),
    },
    {
      operation: 'Voice §1.4, audio file',
      example:
        'https://my3.webcom.mobi/sendsms.php?user=ваш логин в нашей системе&pwd=пароль&type_send_1=voice&name_clients_voice=от кого придет сообщение&addr=номер телефона получателя сообщения&text_voice=текст Voice сообщения &action_voice=ссылка на аудиофайл&waiting_voice=ожидание поднятия трубки&winterval_voice=интервал повтора&dial_voice=число попыток дозвона&gender_voice=голос озвучки',
      add: ['dadr', 'interval_voice'],
      remove: ['text_voice'],
      expected: [
        'user',
        'pwd',
        'type_send_1',
        'name_clients_voice',
        'dadr',
        'addr',
        'action_voice',
        'waiting_voice',
        'interval_voice',
        'winterval_voice',
        'dial_voice',
        'gender_voice',
      ],
      build: () =>
        sendUrl(
          'voice',
          validateDto(SendVoiceDto, {
            from: 'Clinic',
            to: '79537775522',
            audioUrl: 'https://example.com/message.mp3',
            waitSeconds: 35,
            retryIntervalSeconds: 10,
            attempts: 9,
            voice: 1,
          }),
        ),
    },
    {
      operation: 'Cascade §1.5',
      example:
        'https://my3.webcom.mobi/sendsms.php?user=ваш_логин_в_нашей_системе&pwd=пароль&sadr=от_кого_придет_СМС&dadr=номер_телефона_получателя_смс&text=текст_смс&type_send_1=viber&sender_viber=от_кого_придет_сообщение&text_viber=текст_Viber_сообщения&button_viber=текст_кнопки_Viber_сообщения&action_viber=ссылка_для_кнопки_Viber_сообщения&image_viber=http://адрес_картинки_для_Viber_сообщения',
      // The vendor's §1.5 table (docs/protocol.md §2, cascade) names the fallback channel in
      // type_send_2; the example leaves it out, and without it nothing says the SMS is the
      // fallback.
      add: ['type_send_2'],
      expected: [
        'user',
        'pwd',
        'sadr',
        'dadr',
        'text',
        'type_send_1',
        'type_send_2',
        'sender_viber',
        'text_viber',
        'button_viber',
        'action_viber',
        'image_viber',
      ],
      build: () => {
        // As WebcomService.sendCascade does: the primary's content, the cascade's fallback.
        const cascade = validateDto(SendCascadeDto, {
          to: '79537775522',
          primary: { channel: 'viber', ...richContent('Viber') },
          fallback: { channel: 'sms', from: 'Shop', text: 'текст смс' },
        });
        const { channel, ...content } = cascade.primary;
        return sendUrl(channel, {
          ...content,
          to: cascade.to,
          validUntil: cascade.validUntil,
          fallback: cascade.fallback,
        });
      },
    },
    {
      operation: 'Status §1.6',
      example: 'https://my3.webcom.mobi/sendsms.php?user=пользователь&pwd=пароль&msgid=ID SMS',
      add: ['id_sms', 'smsid'], // D3
      expected: ['user', 'pwd', 'msgid', 'id_sms', 'smsid'],
      build: () => callUrl(encodeStatus('112346')),
    },
    {
      operation: 'Flashcall §1.8',
      example:
        'https://my3.webcom.mobi/sendsms.php?user=ваш_логин_в_нашей_системе&pwd=пароль&type_send_1=flashcall&dadr=номер_телефона_получателя_сообщения',
      expected: ['user', 'pwd', 'type_send_1', 'dadr'],
      build: () => sendUrl('flashcall', validateDto(SendFlashcallDto, { to: '79537775522' })),
    },
    {
      operation: 'Balance §1.9',
      example:
        'https://my3.webcom.mobi/sendsms.php?user=ваш_логин_в_нашей_системе&pwd=пароль&balance=1',
      expected: ['user', 'pwd', 'balance'],
      build: () => callUrl(encodeBalance()),
    },
    {
      operation: 'Telegram §1.10',
      // The document breaks the example over a line inside action_telegram (D7).
      example:
        'https://my3.webcom.mobi/sendsms.php?user=ваш_логин_в_нашей_системе&pwd=пароль&type_send_1=telegram&name_clients_telegram=от_кого_придет_сообщение&dadr=номер_телефона_получателя_сообщения&text_telegram=текст_Telegram_сообщения&button_telegram=текст_кнопки_Telegram_сообщения&action_tel' +
        'telegram=ссылка_для_кнопки_Telegram_сообщения&image_telegram=http://адрес_картинки_для_Telegram_сообщения',
      add: ['action_telegram'], // D7
      remove: ['action_teltelegram'],
      expected: [
        'user',
        'pwd',
        'type_send_1',
        'name_clients_telegram',
        'dadr',
        'text_telegram',
        'button_telegram',
        'action_telegram',
        'image_telegram',
      ],
      build: () => sendUrl('telegram', validateDto(SendTelegramDto, richMessage('Telegram'))),
    },
    {
      operation: 'WhatsApp §1.11',
      example:
        'https://my3.webcom.mobi/sendsms.php?user=ваш_логин_в_нашей_системе&pwd=пароль&type_send_1=whatsapp&name_clients_whatsapp=от_кого_придет_сообщение&dadr=номер_телефона_получателя_сообщения&text_whatsapp=текст_Whatsapp_сообщения&button_whatsapp=текст_кнопки_Whatsapp_сообщения&action_whatsapp=ссылка_для_кнопки_Whatsapp_сообщения&image_whatsapp=http://адрес_картинки_для_Whatsapp_сообщения',
      expected: [
        'user',
        'pwd',
        'type_send_1',
        'name_clients_whatsapp',
        'dadr',
        'text_whatsapp',
        'button_whatsapp',
        'action_whatsapp',
        'image_whatsapp',
      ],
      build: () => sendUrl('whatsapp', validateDto(SendWhatsappDto, richMessage('WhatsApp'))),
    },
  ];

  it.each(cases)('$operation: the written-out names are the example with the decisions', (c) => {
    const fromExample = new Set(names(new URL(c.example)));
    for (const name of c.remove ?? []) expect(fromExample.delete(name)).toBe(true);
    for (const name of c.add ?? []) {
      expect(fromExample.has(name)).toBe(false);
      fromExample.add(name);
    }
    expect(sortedSet(fromExample)).toEqual(sortedSet(c.expected));
  });

  it.each(cases)('$operation: the encoder sends exactly those names, each once', (c) => {
    const url = c.build();
    expect(sortedSet(names(url))).toEqual(sortedSet(c.expected));
    expectNoRepeats(url);
    expect(url.origin + url.pathname).toBe(new URL(c.example).origin + new URL(c.example).pathname);
  });

  it('SMS: type_send_1=sms (D6), recipient as international digits, text byte for byte', () => {
    const url = cases[0].build();
    expect(url.searchParams.get('type_send_1')).toBe('sms');
    expect(url.searchParams.get('dadr')).toBe('79537775522');
    expect(url.searchParams.get('sadr')).toBe('Shop');
    expect(url.searchParams.get('text')).toBe('Привет & пока');
    expect(url.searchParams.get('user')).toBe('ivan');
    expect(url.searchParams.get('pwd')).toBe('s3cret');
  });

  it('Viber: each content field under its name', () => {
    const url = cases[1].build();
    expect(Object.fromEntries(url.searchParams)).toMatchObject({
      type_send_1: 'viber',
      sender_viber: 'Viber sender',
      dadr: '79537775522',
      text_viber: 'Viber text',
      button_viber: 'Open',
      action_viber: 'https://example.com/promo',
      image_viber: 'http://example.com/picture.png',
    });
  });

  it('Voice: the recipients under dadr and addr (D1), the interval under both names (D2)', () => {
    const text = cases[2].build().searchParams;
    expect(text.get('type_send_1')).toBe('voice');
    expect(text.get('dadr')).toBe('79537775522');
    expect(text.get('addr')).toBe('79537775522');
    expect(text.get('interval_voice')).toBe('600');
    expect(text.get('winterval_voice')).toBe('600');
    expect(text.get('waiting_voice')).toBe('20');
    expect(text.get('dial_voice')).toBe('3');
    expect(text.get('gender_voice')).toBe('5');
    expect(text.get('name_clients_voice')).toBe('Clinic');
    expect(text.get('text_voice')).toBe('Ваш приём завтра в 10:00');
    const audio = cases[3].build().searchParams;
    expect(audio.get('action_voice')).toBe('https://example.com/message.mp3');
    expect(audio.get('interval_voice')).toBe('10');
    expect(audio.get('winterval_voice')).toBe('10');
  });

  it('Voice: several recipients go comma-separated under both dadr and addr', () => {
    const url = sendUrl('voice', {
      from: 'Clinic',
      to: ['79537775522', '79991234567'],
      text: 'hi',
    });
    expect(url.searchParams.get('dadr')).toBe('79537775522,79991234567');
    expect(url.searchParams.get('addr')).toBe('79537775522,79991234567');
  });

  it('Cascade: type_send_1=viber with its content, type_send_2=sms with the SMS content', () => {
    const url = cases[4].build().searchParams;
    expect(url.get('type_send_1')).toBe('viber');
    expect(url.get('type_send_2')).toBe('sms');
    expect(url.get('sadr')).toBe('Shop');
    expect(url.get('text')).toBe('текст смс');
    expect(url.get('sender_viber')).toBe('Viber sender');
    expect(url.get('text_viber')).toBe('Viber text');
  });

  it('Status: the id under msgid, id_sms and smsid (D3)', () => {
    const url = cases[5].build().searchParams;
    expect(url.getAll('msgid')).toEqual(['112346']);
    expect(url.getAll('id_sms')).toEqual(['112346']);
    expect(url.getAll('smsid')).toEqual(['112346']);
  });

  it('Flashcall and balance carry their fixed values', () => {
    expect(cases[6].build().searchParams.get('type_send_1')).toBe('flashcall');
    expect(cases[7].build().searchParams.get('balance')).toBe('1');
  });

  it('Telegram: lower-case name_clients_telegram (D4) and action_telegram (D7)', () => {
    const url = cases[8].build().searchParams;
    expect(url.get('type_send_1')).toBe('telegram');
    expect(url.get('name_clients_telegram')).toBe('Telegram sender');
    expect(url.has('Name_clients_telegram')).toBe(false);
    expect(url.get('action_telegram')).toBe('https://example.com/promo');
  });

  it('WhatsApp: lower-case name_clients_whatsapp (D4)', () => {
    const url = cases[9].build().searchParams;
    expect(url.get('type_send_1')).toBe('whatsapp');
    expect(url.get('name_clients_whatsapp')).toBe('WhatsApp sender');
    expect(url.has('Name_clients_whatsapp')).toBe(false);
  });

  it('Registration §1.7: the example itself, parameter for parameter and value for value', () => {
    const example = new URL(
      'https://my3.webcom.mobi/ru/reg/registration.html?registration=1&businessman=le&login=user&password=password&name=Ivan&city=City&phone=79537775522&e_mail=registration@gmail.com&inn=5551112223&juridical_address=Московская24&company_name=nameCompany',
    );
    const expected = [
      'registration',
      'businessman',
      'login',
      'password',
      'name',
      'city',
      'phone',
      'e_mail',
      'inn',
      'juridical_address',
      'company_name',
    ];
    expect(names(example)).toEqual(expected);
    const dto = validateDto(RegisterDto, {
      type: 'legal',
      login: 'user',
      password: 'password',
      name: 'Ivan',
      city: 'City',
      phone: '79537775522',
      email: 'registration@gmail.com',
      inn: '5551112223',
      legalAddress: 'Московская24',
      companyName: 'nameCompany',
    });
    const url = registrationUrl(encodeRegistration(dto, WEBCOM_INDIVIDUAL_CODE));
    expect(url.pathname).toBe(example.pathname);
    expect(sortedSet(names(url))).toEqual(sortedSet(expected));
    expectNoRepeats(url);
    expect(Object.fromEntries(url.searchParams)).toEqual(Object.fromEntries(example.searchParams));
    // Registration authenticates nobody: no credentials go with it.
    for (const secret of ['user', 'pwd', 'token', 'token_hash'])
      expect(url.searchParams.has(secret)).toBe(false);
  });
});

describe('authentication (docs/protocol.md §1)', () => {
  it('login and password: user and pwd', () => {
    expect(credentialParams({ user: 'ivan', password: 'p&w=d' })).toEqual([
      ['user', 'ivan'],
      ['pwd', 'p&w=d'],
    ]);
  });

  it('token: token alone', () => {
    expect(credentialParams({ token: 'abc123' })).toEqual([['token', 'abc123']]);
  });

  it('login and token hash: user and token_hash', () => {
    expect(credentialParams({ user: 'ivan', tokenHash: tokenHash('secret') })).toEqual([
      ['user', 'ivan'],
      ['token_hash', '5ebe2294ecd0e0f08eab7690d2a6ee69'],
    ]);
  });

  it.each([
    ['secret', '5ebe2294ecd0e0f08eab7690d2a6ee69'],
    ['abc', '900150983cd24fb0d6963f7d28e17f72'],
    ['', 'd41d8cd98f00b204e9800998ecf8427e'],
    ['токен', 'ca771cfc4eb3502bb5ee7b9953a23824'], // MD5 of the UTF-8 bytes
  ])('tokenHash(%j) is the MD5 in lower-case hex', (token, md5) => {
    expect(tokenHash(token)).toBe(md5);
    expect(tokenHash(token)).toMatch(/^[0-9a-f]{32}$/);
  });

  it.each<[string, Credentials, string[]]>([
    ['password', { user: 'ivan', password: 'pw' }, ['user', 'pwd']],
    ['token', { token: 'tok' }, ['token']],
    ['token hash', { user: 'ivan', tokenHash: tokenHash('tok') }, ['user', 'token_hash']],
  ])(
    '%s credentials go with sends, status and balance and nothing else',
    (_, credentials, auth) => {
      const urls = [
        sendUrl('sms', { from: 'Shop', to: '79991234567', text: 'hi' }, credentials),
        callUrl(encodeStatus('1'), credentials),
        callUrl(encodeBalance(), credentials),
      ];
      for (const url of urls) {
        const present = ['user', 'pwd', 'token', 'token_hash'].filter((n) =>
          url.searchParams.has(n),
        );
        expect(present).toEqual(auth);
        expectNoRepeats(url);
      }
    },
  );
});

describe('validity (validity_period per channel, Moscow time)', () => {
  const rich = { to: '79991234567', from: 'S', text: 'hi' };
  const at = new Date('2026-11-27T21:30:00Z');

  it.each<[Channel, string]>([
    ['sms', 'validity_period'],
    ['viber', 'validity_period'],
    ['telegram', 'validity_period_telegram'],
    ['whatsapp', 'validity_period_whatsapp'],
  ])('%s writes validUntil under %s, a Date in Moscow time', (channel, name) => {
    const url = sendUrl(channel, { ...rich, validUntil: at });
    const validity = names(url).filter((n) => n.startsWith('validity_period'));
    expect(validity).toEqual([name]);
    expect(url.searchParams.get(name)).toBe('2026-11-28 00:30');
  });

  it('a string validUntil goes as written', () => {
    const url = sendUrl('telegram', { ...rich, validUntil: '2026-12-01 09:05' });
    expect(url.searchParams.get('validity_period_telegram')).toBe('2026-12-01 09:05');
  });

  it('no validUntil, no validity parameter', () => {
    for (const channel of ['sms', 'viber', 'telegram', 'whatsapp'] as const) {
      expect(names(sendUrl(channel, rich)).some((n) => n.startsWith('validity'))).toBe(false);
    }
  });

  it('a null validUntil (what @IsOptional() lets through) sends no validity parameter', () => {
    for (const channel of ['sms', 'viber', 'telegram', 'whatsapp'] as const) {
      const message = { ...rich, validUntil: null } as unknown as OutgoingMessage;
      const url = sendUrl(channel, {
        ...message,
        fallback: { channel: 'sms', text: 'x', from: 'S' },
      });
      expect(names(url).filter((n) => n.startsWith('validity'))).toEqual([]);
      expect(url.search).not.toContain('null');
    }
  });

  it('voice and flashcall have no validity parameter', () => {
    expect(
      names(sendUrl('voice', { ...rich, validUntil: at })).some((n) => n.startsWith('validity')),
    ).toBe(false);
    expect(
      names(sendUrl('flashcall', { to: '79991234567', validUntil: at })).some((n) =>
        n.startsWith('validity'),
      ),
    ).toBe(false);
  });

  it('a cross-channel fallback with its own validity parameter gets the same time', () => {
    const telegram = sendUrl('telegram', {
      ...rich,
      validUntil: at,
      fallback: { channel: 'sms', text: 'sms text', from: 'Shop' },
    });
    expect(telegram.searchParams.get('validity_period_telegram')).toBe('2026-11-28 00:30');
    expect(telegram.searchParams.get('validity_period')).toBe('2026-11-28 00:30');
    const sms = sendUrl('sms', {
      ...rich,
      validUntil: at,
      fallback: { channel: 'whatsapp', text: 'wa text', from: 'Shop' },
    });
    expect(sms.searchParams.get('validity_period')).toBe('2026-11-28 00:30');
    expect(sms.searchParams.get('validity_period_whatsapp')).toBe('2026-11-28 00:30');
  });

  it('a fallback sharing the primary validity parameter does not repeat it', () => {
    const url = sendUrl('sms', {
      ...rich,
      validUntil: '2026-11-28 00:30',
      fallback: { channel: 'viber', text: 'viber text', from: 'V' },
    });
    expect(url.searchParams.getAll('validity_period')).toEqual(['2026-11-28 00:30']);
    expectNoRepeats(url);
  });
});

describe('encodeSend', () => {
  it('voice with ivr sends voice_ivr, without it voice', () => {
    const base = { to: '79991234567', from: 'C', text: 'hi' };
    expect(sendUrl('voice', { ...base, ivr: true }).searchParams.get('type_send_1')).toBe(
      'voice_ivr',
    );
    expect(sendUrl('voice', { ...base, ivr: false }).searchParams.get('type_send_1')).toBe('voice');
    expect(sendUrl('voice', base).searchParams.has('ivr')).toBe(false);
  });

  it('voice leaves out the optional numbers it was not given', () => {
    const url = sendUrl('voice', { to: '79991234567', from: 'C', text: 'hi' });
    for (const name of [
      'waiting_voice',
      'interval_voice',
      'winterval_voice',
      'dial_voice',
      'gender_voice',
      'action_voice',
    ]) {
      expect(url.searchParams.has(name)).toBe(false);
    }
  });

  it('rich channels leave out the content they were not given', () => {
    const url = sendUrl('whatsapp', {
      to: '79991234567',
      from: 'W',
      imageUrl: 'https://x.test/i.png',
    });
    expect(url.searchParams.get('image_whatsapp')).toBe('https://x.test/i.png');
    for (const name of ['text_whatsapp', 'button_whatsapp', 'action_whatsapp']) {
      expect(url.searchParams.has(name)).toBe(false);
    }
  });

  it('takes the sender from the options when the message names none, and prefers its own', () => {
    const senders: Senders = { sms: 'OptSms', viber: 'OptViber', telegram: 'OptTg' };
    const fromOptions = sendUrl('sms', { to: '79991234567', text: 'hi' }, PASSWORD, senders);
    expect(fromOptions.searchParams.get('sadr')).toBe('OptSms');
    const own = sendUrl('sms', { to: '79991234567', text: 'hi', from: 'Own' }, PASSWORD, senders);
    expect(own.searchParams.get('sadr')).toBe('Own');
    const tg = sendUrl('telegram', { to: '79991234567', text: 'hi' }, PASSWORD, senders);
    expect(tg.searchParams.get('name_clients_telegram')).toBe('OptTg');
  });

  it.each<[Channel, Senders]>([
    ['sms', {}],
    ['viber', { sms: 'S' }],
    ['voice', { viber: 'V', sms: 'S' }],
    ['telegram', { whatsapp: 'W' }],
    ['whatsapp', { telegram: 'T' }],
  ])('refuses a %s send with no sender anywhere, naming `from`', (channel, senders) => {
    const error = thrown(() => encodeSend(channel, { to: '79991234567', text: 'hi' }, senders));
    expect(error).toBeInstanceOf(WebcomValidationError);
    expect((error as WebcomValidationError).errors.map((e) => e.field)).toEqual(['from']);
  });

  it('refuses a cross-channel fallback with no sender, naming `fallback.from`', () => {
    const error = thrown(() =>
      encodeSend(
        'viber',
        { to: '79991234567', from: 'V', text: 'hi', fallback: { channel: 'sms', text: 'sms' } },
        { viber: 'V' },
      ),
    );
    expect(error).toBeInstanceOf(WebcomValidationError);
    expect((error as WebcomValidationError).errors.map((e) => e.field)).toEqual(['fallback.from']);
  });

  it('a fallback on the primary channel needs no sender of its own', () => {
    const url = sendUrl('viber', {
      to: '79991234567',
      from: 'V',
      text: 'hi',
      fallback: { channel: 'viber' },
    });
    expect(url.searchParams.getAll('sender_viber')).toEqual(['V']);
  });

  it('flashcall needs no sender', () => {
    const wire = encodeSend('flashcall', { to: ['79991234567', '79537775522'] });
    expect(wire.params).toEqual([['type_send_1', 'flashcall']]);
    expect(wire.recipientParams).toEqual(['dadr']);
    expect(wire.recipients).toEqual(['79991234567', '79537775522']);
  });

  it('a single recipient becomes a list of one', () => {
    expect(encodeSend('sms', { to: '79991234567', text: 'x', from: 'S' }).recipients).toEqual([
      '79991234567',
    ]);
  });

  it('a fallback on the primary channel is type_send_2 alone: the content is not repeated', () => {
    const url = sendUrl('sms', {
      to: '79991234567',
      from: 'S',
      text: 'once',
      fallback: { channel: 'sms' },
    });
    expect(url.searchParams.get('type_send_2')).toBe('sms');
    expect(url.searchParams.getAll('text')).toEqual(['once']);
    expect(url.searchParams.getAll('sadr')).toEqual(['S']);
    expectNoRepeats(url);
    const telegram = sendUrl('telegram', {
      to: '79991234567',
      from: 'T',
      text: 'tg',
      fallback: { channel: 'telegram' },
    });
    expect(sortedSet(names(telegram))).toEqual(
      sortedSet([
        'user',
        'pwd',
        'type_send_1',
        'type_send_2',
        'name_clients_telegram',
        'text_telegram',
        'dadr',
      ]),
    );
  });

  it('SMS falling back to Viber carries the Viber content and sender', () => {
    const url = sendUrl('sms', {
      to: '79991234567',
      from: 'Shop',
      text: 'sms text',
      fallback: {
        channel: 'viber',
        from: 'ShopViber',
        text: 'viber text',
        button: { text: 'Go', url: 'https://example.com/?a=1&b=2' },
        imageUrl: 'https://example.com/i.png',
      },
    });
    expect(Object.fromEntries(url.searchParams)).toEqual({
      user: 'ivan',
      pwd: 's3cret',
      type_send_1: 'sms',
      sadr: 'Shop',
      text: 'sms text',
      type_send_2: 'viber',
      sender_viber: 'ShopViber',
      text_viber: 'viber text',
      button_viber: 'Go',
      action_viber: 'https://example.com/?a=1&b=2',
      image_viber: 'https://example.com/i.png',
      dadr: '79991234567',
    });
  });

  it('voice falling back to SMS carries sadr and text; the fallback sender may come from the options', () => {
    const url = sendUrl(
      'voice',
      {
        to: '79991234567',
        from: 'Clinic',
        text: 'call',
        fallback: { channel: 'sms', text: 'sms' },
      },
      PASSWORD,
      { sms: 'ClinicSms' },
    );
    expect(url.searchParams.get('type_send_2')).toBe('sms');
    expect(url.searchParams.get('sadr')).toBe('ClinicSms');
    expect(url.searchParams.get('text')).toBe('sms');
    expect(url.searchParams.get('text_voice')).toBe('call');
  });

  it.each<[Channel, string, string]>([
    ['telegram', 'name_clients_telegram', 'text_telegram'],
    ['whatsapp', 'name_clients_whatsapp', 'text_whatsapp'],
  ])('%s falling back to SMS', (channel, sender, text) => {
    const url = sendUrl(channel, {
      to: '79991234567',
      from: 'Own',
      text: 'primary',
      fallback: { channel: 'sms', text: 'secondary', from: 'Sms' },
    });
    expect(url.searchParams.get('type_send_1')).toBe(channel);
    expect(url.searchParams.get('type_send_2')).toBe('sms');
    expect(url.searchParams.get(sender)).toBe('Own');
    expect(url.searchParams.get(text)).toBe('primary');
    expect(url.searchParams.get('sadr')).toBe('Sms');
    expect(url.searchParams.get('text')).toBe('secondary');
  });

  it('encodeStatus and encodeBalance', () => {
    expect(encodeStatus('a1b2')).toEqual([
      ['msgid', 'a1b2'],
      ['id_sms', 'a1b2'],
      ['smsid', 'a1b2'],
    ]);
    expect(encodeBalance()).toEqual([['balance', '1']]);
  });
});

describe('encodeRegistration (docs/protocol.md §4, D5)', () => {
  const common = {
    login: 'newuser',
    password: 'pa&ss',
    name: 'Иван Петров',
    city: 'Москва',
    phone: '79991234567',
    email: 'ivan@example.com',
  };
  const individual: Registration = {
    ...common,
    type: 'individual',
    actualAddress: 'Москва, ул. Тверская, 1',
  };

  it('an individual is `fl` by default', () => {
    const { individualCode } = resolveOptions({ credentials: { token: 't' } });
    expect(individualCode).toBe('fl');
    expect(WEBCOM_INDIVIDUAL_CODE).toBe('fl');
    const wire = params(encodeRegistration(individual, individualCode));
    expect(wire).toEqual({
      registration: '1',
      businessman: 'fl',
      login: 'newuser',
      password: 'pa&ss',
      name: 'Иван Петров',
      city: 'Москва',
      phone: '79991234567',
      e_mail: 'ivan@example.com',
      address_facto: 'Москва, ул. Тверская, 1',
    });
  });

  it("the individual's code can be overridden in the options", () => {
    const { individualCode } = resolveOptions({
      credentials: { token: 't' },
      individualCode: 'le',
    });
    expect(params(encodeRegistration(individual, individualCode)).businessman).toBe('le');
    expect(params(encodeRegistration(individual, 'private')).businessman).toBe('private');
  });

  it('the code for individuals does not touch the other types', () => {
    const legal = encodeRegistration(
      {
        ...common,
        type: 'legal',
        inn: '5551112223',
        legalAddress: 'Москва, ул. 1',
        companyName: 'ООО Ромашка',
      },
      'custom',
    );
    expect(params(legal)).toMatchObject({
      businessman: 'le',
      inn: '5551112223',
      juridical_address: 'Москва, ул. 1',
      company_name: 'ООО Ромашка',
    });
    const entrepreneur = params(
      encodeRegistration(
        {
          ...common,
          type: 'entrepreneur',
          inn: '555111222333',
          legalAddress: 'Москва, ул. 1',
          ogrnip: '3045001234567',
        },
        'custom',
      ),
    );
    expect(entrepreneur).toMatchObject({
      businessman: 'ip',
      inn: '555111222333',
      juridical_address: 'Москва, ул. 1',
      ogrnip: '3045001234567',
    });
    expect(entrepreneur).not.toHaveProperty('company_name');
    expect(entrepreneur).not.toHaveProperty('address_facto');
  });

  it('values reach the page byte for byte', () => {
    const url = registrationUrl(encodeRegistration(individual, 'fl'));
    expect(url.searchParams.get('password')).toBe('pa&ss');
    expect(url.searchParams.get('name')).toBe('Иван Петров');
  });
});
