import { CHANNEL_REGISTRY } from '../channel-registry.js';
import {
  CASCADE_CHANNELS,
  CHANNEL_TABLES,
  CHANNELS,
  CONTENT_CHANNELS,
  type Channel,
  type ContentKind,
} from '../protocol/channels.js';
import { ButtonDto, ChannelContentDto, RecipientsDto, SenderDto } from './content.dto.js';
import { RegisterDto } from './register.dto.js';
import { SendCascadeDto } from './send.dto.js';

/**
 * OpenAPI metadata for every DTO, without a dependency on `@nestjs/swagger`: each class gets the
 * static `_OPENAPI_METADATA_FACTORY` that the swagger CLI plugin would compile into it, and that
 * `SwaggerModule.createDocument` reads. An app that does not use swagger never calls it.
 *
 * Each class lists all its fields, inherited ones too, so that the schema does not depend on
 * how the classes inherit from one another.
 */

/** What `@ApiProperty()` takes, in the subset the DTOs need. */
interface OpenApiPropertyMetadata {
  required: boolean;
  type?: (() => unknown) | 'string' | 'integer' | 'number' | 'boolean';
  enum?: readonly string[];
  oneOf?: Record<string, unknown>[];
  description?: string;
  example?: unknown;
  format?: string;
  pattern?: string;
  minLength?: number;
  minimum?: number;
  maximum?: number;
}

type Fields = Record<string, OpenApiPropertyMetadata>;

/** The property name `@nestjs/swagger` reads (`METADATA_FACTORY_NAME` in its plugin). */
const METADATA_FACTORY = '_OPENAPI_METADATA_FACTORY';

function describeFields(dto: abstract new () => unknown, fields: () => Fields): void {
  // Non-enumerable and replaceable, as a compiled static method would be.
  Object.defineProperty(dto, METADATA_FACTORY, {
    value: fields,
    writable: true,
    configurable: true,
    enumerable: false,
  });
}

const HTTP_URL = { type: 'string', format: 'uri' } as const;

const to: OpenApiPropertyMetadata = {
  required: true,
  description:
    'One phone number or a non-empty array of them, as people type them (+7 999 123-45-67, ' +
    '8 (999) 123-45-67); sent as international digits.',
  oneOf: [
    { type: 'string', example: '+7 999 123-45-67' },
    { type: 'array', items: { type: 'string' }, minItems: 1, example: ['+7 999 123-45-67'] },
  ],
};

const from: OpenApiPropertyMetadata = {
  required: false,
  type: 'string',
  minLength: 1,
  description: 'The sender name; defaults to the sender configured for the channel.',
};

const validUntil: OpenApiPropertyMetadata = {
  required: false,
  type: 'string',
  pattern: '^\\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2}$',
  description: 'Until when the gateway keeps trying to deliver, in Moscow time (YYYY-MM-DD HH:MM).',
};

const text = (required: boolean, description: string): OpenApiPropertyMetadata => ({
  required,
  type: 'string',
  minLength: 1,
  description,
});

const button: OpenApiPropertyMetadata = {
  required: false,
  type: () => ButtonDto,
  description: 'A button under the text; needs the text.',
};

const imageUrl: OpenApiPropertyMetadata = {
  required: false,
  ...HTTP_URL,
  description: 'An image to show: alone, or with text and a button.',
};

const fallback = (channel: Channel, required = false): OpenApiPropertyMetadata => ({
  required,
  type: () => ChannelContentDto,
  description:
    `The channel the gateway falls back to when the message is not delivered: one of ` +
    `${CHANNEL_TABLES[channel].fallbacks.join(', ')}. On the primary's own channel it re-sends ` +
    `the same message and takes no content; on another it needs content of its own.`,
});

const rangeOf = (
  minimum: number,
  maximum: number,
  description: string,
): OpenApiPropertyMetadata => ({
  required: false,
  type: 'integer',
  minimum,
  maximum,
  description,
});

const richFields = (channel: Channel): Fields => ({
  to,
  from,
  text: text(
    false,
    'The message text. Content is text, text + button, text + button + image, or an image alone.',
  ),
  button,
  imageUrl,
  validUntil,
  fallback: fallback(channel),
});

describeFields(ButtonDto, () => ({
  text: text(true, 'The button caption.'),
  url: {
    required: true,
    ...HTTP_URL,
    description: 'Where the button leads: an absolute http(s) URL.',
  },
}));

describeFields(RecipientsDto, () => ({ to }));

describeFields(SenderDto, () => ({ to, from }));

describeFields(ChannelContentDto, () => ({
  channel: {
    required: true,
    enum: CONTENT_CHANNELS,
    description: 'The channel this content is for.',
  },
  text: text(false, 'The text; an sms carries text only.'),
  button,
  imageUrl,
  from,
}));

/** A channel's DTO fields by its content kind, so that a new channel's DTO is described too. */
const FIELDS_OF_KIND: Record<ContentKind, (channel: Channel) => Fields> = {
  text: (channel) => ({
    to,
    from,
    text: text(true, 'The SMS text; long texts are sent as several parts.'),
    validUntil,
    fallback: fallback(channel),
  }),
  rich: richFields,
  voice: (channel) => ({
    to,
    from,
    text: text(false, 'The text to speak.'),
    audioUrl: { required: false, ...HTTP_URL, description: 'An audio file to play.' },
    ivr: { required: false, type: 'boolean', description: 'true sends an IVR call (voice_ivr).' },
    waitSeconds: rangeOf(10, 35, 'How long to wait for an answer, in seconds.'),
    retryIntervalSeconds: rangeOf(10, 3600, 'The pause between attempts, in seconds.'),
    attempts: rangeOf(1, 9, 'How many times to call.'),
    voice: rangeOf(1, 8, 'The voice: 1–4 male, 5–8 female.'),
    fallback: fallback(channel),
  }),
  none: () => ({ to }),
};

for (const channel of CHANNELS) {
  describeFields(CHANNEL_REGISTRY[channel].dto, () =>
    FIELDS_OF_KIND[CHANNEL_TABLES[channel].kind](channel),
  );
}

const cascadeChannels = CASCADE_CHANNELS.join(' or ');

describeFields(SendCascadeDto, () => ({
  to,
  primary: {
    required: true,
    type: () => ChannelContentDto,
    description: `The content tried first: on ${cascadeChannels}, with content of its own.`,
  },
  fallback: {
    required: true,
    type: () => ChannelContentDto,
    description:
      `The content sent when the primary is not delivered: on ${cascadeChannels}. On the ` +
      "primary's own channel it re-sends the primary and takes no content.",
  },
  validUntil,
}));

const requiredFor = (types: string) => `Required for ${types}.`;

describeFields(RegisterDto, () => ({
  type: {
    required: true,
    enum: ['legal', 'entrepreneur', 'individual'],
    description: 'The registrant: a company, a sole entrepreneur or a private person.',
  },
  login: text(true, 'The login of the new account.'),
  password: { ...text(true, 'The password of the new account.'), format: 'password' },
  name: {
    required: true,
    type: 'string',
    minLength: 3,
    pattern: '^[A-Za-zА-Яа-яЁё]+(?:[ -][A-Za-zА-Яа-яЁё]+)*$',
    description: 'Russian or Latin letters, at least 3; words joined by spaces or hyphens.',
  },
  city: { required: true, type: 'string', minLength: 3 },
  phone: {
    required: true,
    type: 'string',
    example: '+7 999 123-45-67',
    description: 'One phone number; sent as international digits.',
  },
  email: { required: true, type: 'string', format: 'email' },
  inn: {
    required: false,
    type: 'string',
    pattern: '^\\d{10,}$',
    description: `The taxpayer number, at least 10 digits. ${requiredFor('legal and entrepreneur')}`,
  },
  legalAddress: {
    required: false,
    type: 'string',
    minLength: 10,
    description: requiredFor('legal and entrepreneur'),
  },
  companyName: {
    required: false,
    type: 'string',
    minLength: 5,
    description: requiredFor('legal'),
  },
  ogrnip: {
    required: false,
    type: 'string',
    pattern: '^\\d{13,15}$',
    description: `The entrepreneur's registration number, 13 to 15 digits. ${requiredFor('entrepreneur')}`,
  },
  actualAddress: {
    required: false,
    type: 'string',
    minLength: 10,
    description: requiredFor('individual'),
  },
}));
