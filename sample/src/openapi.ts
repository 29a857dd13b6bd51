import { applyDecorators, type INestApplication, type Type } from '@nestjs/common';
import {
  ApiBadGatewayResponse,
  ApiBadRequestResponse,
  ApiBody,
  ApiCreatedResponse,
  ApiGatewayTimeoutResponse,
  ApiOperation,
  DocumentBuilder,
  SwaggerModule,
} from '@nestjs/swagger';
import { SEND_SMS_EXAMPLE } from './startup-banner.js';

/** Where the sample serves Swagger UI; the OpenAPI document is at `/docs-json`. */
export const DOCS_PATH = 'docs';

const PHONE = '+7 999 123-45-67';
const BUTTON = { text: 'Track the order', url: 'https://example.com/orders/1042' };

/** Ready-to-send bodies per endpoint: the first one fills the page's "Try it out" box. */
export const REQUEST_EXAMPLES = {
  sms: {
    'a text': SEND_SMS_EXAMPLE.body,
    'with a Viber fallback': {
      to: PHONE,
      text: 'Your order has shipped',
      fallback: { channel: 'viber', text: 'Your order has shipped', button: BUTTON },
    },
    'to several recipients': { to: [PHONE, '8 (999) 765-43-21'], text: 'Sale starts today' },
  },
  viber: {
    'text and a button': { to: PHONE, text: 'Your order has shipped', button: BUTTON },
    'an image alone': { to: PHONE, imageUrl: 'https://example.com/banner.png' },
    'with an SMS fallback': {
      to: PHONE,
      text: 'Your order has shipped',
      fallback: { channel: 'sms', text: 'Your order has shipped: example.com/orders/1042' },
    },
  },
  telegram: { text: { to: PHONE, text: 'Your code is 4821' } },
  whatsapp: {
    'text, button and image': {
      to: PHONE,
      text: 'Your order has shipped',
      button: BUTTON,
      imageUrl: 'https://example.com/parcel.png',
    },
  },
  voice: {
    'text to speak': { to: PHONE, text: 'Your code is 4 8 2 1', attempts: 2 },
  },
  flashcall: { 'a call whose number carries the code': { to: PHONE } },
  cascade: {
    'Viber, then SMS': {
      to: PHONE,
      primary: { channel: 'viber', text: 'Your code is 4821' },
      fallback: { channel: 'sms', text: 'Your code is 4821' },
    },
  },
  registrations: {
    'a private person': {
      type: 'individual',
      login: 'new-shop',
      password: 'S3cret!',
      name: 'Ivan Petrov',
      city: 'Moscow',
      phone: '8 999 123 45 67',
      email: 'ivan@example.com',
      actualAddress: 'Moscow, Tverskaya street 1',
    },
  },
} satisfies Record<string, Record<string, object | undefined>>;

/**
 * The documentation of an endpoint whose body is one of the library's DTOs (their fields,
 * types and rules come from the library) and whose errors `WebcomExceptionFilter` answers.
 */
export function ApiSend(
  summary: string,
  dto: Type,
  examples: Record<string, object | undefined>,
): MethodDecorator {
  return applyDecorators(
    ApiOperation({ summary }),
    ApiBody({
      type: dto,
      examples: Object.fromEntries(
        Object.entries(examples).map(([name, value]) => [name, { summary: name, value }]),
      ),
    }),
    ApiCreatedResponse({
      description:
        'Sent: `messages` holds an id per message, to read its status with. With queued ' +
        'sending on, `jobIds` instead.',
    }),
    ApiBadRequestResponse({ description: 'Invalid body: `errors` lists each field.' }),
    ApiBadGatewayResponse({
      description:
        'The gateway refused the call (`gatewayStatus`), the connection failed (`code`, ' +
        '`possiblyDelivered`), or a split send partly failed (`sent` and `failed`).',
    }),
    ApiGatewayTimeoutResponse({
      description: 'The gateway did not answer in time; `possiblyDelivered` says whether to retry.',
    }),
  );
}

/** Serves Swagger UI at `/docs`, a page to send every kind of message from. */
export function setupOpenApi(app: INestApplication): void {
  const config = new DocumentBuilder()
    .setTitle('nestjs-webcom sample')
    .setDescription(
      "Every endpoint of the sample. Without Webcom credentials it runs on the module's sandbox " +
        '(the in-process gateway emulator): nothing real is sent and nothing is billed. Open an endpoint, press ' +
        '"Try it out", adjust the body and press "Execute".',
    )
    .build();
  SwaggerModule.setup(DOCS_PATH, app, () => SwaggerModule.createDocument(app, config), {
    // No call to the public validator: the page works offline.
    swaggerOptions: { validatorUrl: null, displayRequestDuration: true },
  });
}
