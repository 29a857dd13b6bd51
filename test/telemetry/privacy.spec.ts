import 'reflect-metadata';
import { createServer, type Server, type Socket } from 'node:net';
import { WebcomService, WebcomValidationError, type Credentials } from '../../lib/index.js';
import { installTestOtel, telemetryTexts, type TestOtel } from '../support/otel.js';
import { RecordingGateway, successAnswer, type Answer } from '../support/recording-gateway.js';
import { expectNoSecret, secretForms } from '../support/secret-renderings.js';

const SECRET = 'p@ss w0rd&pwd=x+y#z%2F/?;:é';
const TOKEN_HASH = 'd41d8cd98f00b204e9800998ecf8427e';
const TEXT = 'Your private code 8841, Привет';
const SENDER = 'AcmeSecretSender';
const MESSAGE_ID = 'MSGID4242';
/** 40 recipients, so that a small `maxUrlLength` splits a send. */
const RECIPIENTS = Array.from({ length: 40 }, (_, i) => `7912${String(i).padStart(7, '5')}`);
const AS_TYPED = '+7 912 555-55-55';
const REGISTRANT = {
  type: 'individual' as const,
  login: 'newcomer-login',
  password: 'Registrant&Pass9',
  name: 'Annabel Leeworth',
  city: 'Kazan',
  phone: '+7 913 765 43 21',
  email: 'annabel@private.example',
  actualAddress: 'Baumana 10, flat 1',
};

/** Everything private a call puts on the wire: none of it may reach telemetry in any form. */
const PRIVATE = [
  TEXT,
  SENDER,
  MESSAGE_ID,
  AS_TYPED,
  ...RECIPIENTS,
  ...Object.values(REGISTRANT).filter((value) => value !== 'individual' && value !== 'Kazan'),
  '79137654321',
];

const credentialForms: [string, Credentials, string][] = [
  ['password', { user: 'shop', password: SECRET }, SECRET],
  ['token', { token: SECRET }, SECRET],
  ['token hash', { user: 'shop', tokenHash: TOKEN_HASH }, TOKEN_HASH],
];

type Operation = 'send' | 'cascade' | 'status' | 'balance' | 'register';
const OPERATIONS: Operation[] = ['send', 'cascade', 'status', 'balance', 'register'];

/** The gateway's answer echoing the request (its URL carries the credentials), raw and decoded. */
const echo =
  (status: number): Answer =>
  ({ rawUrl }) => ({
    status,
    body: `${rawUrl} ${decodeURIComponent(rawUrl)}`,
    headers: { 'retry-after': '0' },
  });

type Failure =
  | { kind: 'answer'; answer: Answer }
  | { kind: 'refused' | 'timeout' | 'reset' | 'partial' | 'ambiguous' };

const FAILURES: [string, Failure][] = [
  ['success', { kind: 'answer', answer: successAnswer }],
  ['a 4xx echoing the URL', { kind: 'answer', answer: echo(403) }],
  ['a 5xx echoing the URL (reads retried)', { kind: 'answer', answer: echo(502) }],
  ['a 200 the client cannot read, echoing the URL', { kind: 'answer', answer: echo(200) }],
  ['a refused connection', { kind: 'refused' }],
  ['a timeout', { kind: 'timeout' }],
  ['a connection reset', { kind: 'reset' }],
  ['a split send partly refused', { kind: 'partial' }],
  ['an ambiguous acceptance', { kind: 'ambiguous' }],
];

describe.each(credentialForms)(
  'telemetry with the %s credential form',
  (_, credentials, secret) => {
    let otel: TestOtel;
    let gateway: RecordingGateway;
    let refusedPort: number;
    let hanging: Server;
    let resetting: Server;
    const sockets = new Set<Socket>();

    beforeAll(async () => {
      gateway = await RecordingGateway.start();
      refusedPort = await closedPort();
      hanging = await listening(createServer((socket) => sockets.add(socket)));
      resetting = await listening(
        createServer((socket) => socket.once('data', () => socket.resetAndDestroy())),
      );
    });

    afterAll(async () => {
      for (const socket of sockets) socket.destroy();
      await Promise.all([gateway.stop(), close(hanging), close(resetting)]);
    });

    beforeEach(() => {
      otel = installTestOtel();
    });

    afterEach(async () => {
      gateway.answer = successAnswer;
      await otel.shutdown();
    });

    const baseUrlFor = (failure: Failure): string => {
      const local = (server: Server) =>
        `http://127.0.0.1:${(server.address() as { port: number }).port}`;
      if (failure.kind === 'refused') return `http://127.0.0.1:${refusedPort}`;
      if (failure.kind === 'timeout') return local(hanging);
      if (failure.kind === 'reset') return local(resetting);
      return gateway.baseUrl;
    };

    const call = (webcom: WebcomService, operation: Operation): Promise<unknown> => {
      switch (operation) {
        case 'send':
          return webcom.sendSms({ to: [AS_TYPED, ...RECIPIENTS], text: TEXT, from: SENDER });
        case 'cascade':
          return webcom.sendCascade({
            to: RECIPIENTS,
            primary: { channel: 'viber', text: TEXT, from: SENDER },
            fallback: { channel: 'sms', text: TEXT, from: SENDER },
          });
        case 'status':
          return webcom.getStatus(MESSAGE_ID);
        case 'balance':
          return webcom.getBalance();
        case 'register':
          return webcom.register(REGISTRANT);
      }
    };

    const cases = OPERATIONS.flatMap((operation) =>
      FAILURES.filter(
        ([, failure]) =>
          (failure.kind !== 'partial' && failure.kind !== 'ambiguous') || operation === 'send',
      ).map(([label, failure]) => [operation, label, failure] as const),
    );

    it.each(cases)(
      '%s, %s: no secret, number, text or URL anywhere',
      async (operation, _, failure) => {
        if (failure.kind === 'answer') gateway.answer = failure.answer;
        if (failure.kind === 'ambiguous') {
          // One id for a request's many recipients, with the URL echoed in the answer.
          gateway.answer = ({ rawUrl }) => ({
            body: JSON.stringify({ information: [{ id_message: rawUrl, price: '1' }] }),
          });
        }
        if (failure.kind === 'partial') {
          gateway.answer = (request) =>
            request.params.get('dadr')!.includes(RECIPIENTS[0])
              ? echo(400)(request)
              : successAnswer(request);
        }
        const webcom = new WebcomService({
          credentials,
          baseUrl: baseUrlFor(failure),
          senders: { sms: SENDER, viber: SENDER },
          retries: 1,
          timeoutMs: 200,
          // Several requests per send, so that request spans are searched too.
          maxUrlLength: 600,
        });
        let outcome: unknown;
        try {
          outcome = await call(webcom, operation).catch((error: unknown) => error);
        } finally {
          webcom.onApplicationShutdown();
        }
        // The call reached the gateway (or tried to): the case tests what it means to.
        expect(outcome).not.toBeInstanceOf(WebcomValidationError);

        const spans = otel.spans();
        expect(spans.length).toBeGreaterThan(0);
        const texts = telemetryTexts(spans, (await otel.metrics()).values());
        expectNoSecret(texts, secret);
        for (const value of PRIVATE) {
          for (const form of secretForms(value)) {
            for (const text of texts) {
              if (text.includes(form)) throw new Error(`"${value}" leaked as "${form}" in ${text}`);
            }
          }
        }
        for (const text of texts) {
          expect(text).not.toMatch(/sendsms|registration\.html|\?|[a-z_]+=/);
        }
      },
    );
  },
);

function listening(server: Server): Promise<Server> {
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

function close(server: Server): Promise<void> {
  return new Promise((resolve) => server.close(() => resolve()));
}

async function closedPort(): Promise<number> {
  const server = await listening(createServer());
  const { port } = server.address() as { port: number };
  await close(server);
  return port;
}
