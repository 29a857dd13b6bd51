import type { INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import type { FakeWebcomServer } from 'nestjs-webcom/testing';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import puppeteer, { type Browser } from 'puppeteer-core';
import request from 'supertest';
import { AppModule } from '../../sample/src/app.module.js';
import { setupOpenApi } from '../../sample/src/openapi.js';
import { sampleOnFakeGateway } from './support/sample-gateway.js';

/** Debian's chromium package: CI installs it (.ci/run); puppeteer-core downloads no browser. */
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const WAIT = { timeout: 30_000 };

interface OpenApiOperation {
  operationId: string;
  requestBody?: {
    content: Record<
      string,
      { schema: { $ref?: string }; examples?: Record<string, { value: object }> }
    >;
  };
}
type OpenApiDocument = { paths: Record<string, Record<string, OpenApiOperation>> };

describe("the sample's /docs page", () => {
  let app: INestApplication;
  let fake: FakeWebcomServer;
  let baseUrl: string;

  beforeAll(async () => {
    for (const name of Object.keys(process.env)) {
      if (name.startsWith('WEBCOM_')) delete process.env[name];
    }
    fake = await sampleOnFakeGateway();
    const moduleRef = await Test.createTestingModule({ imports: [AppModule] }).compile();
    app = moduleRef.createNestApplication();
    setupOpenApi(app);
    await app.listen(0, '127.0.0.1');
    baseUrl = `http://127.0.0.1:${(app.getHttpServer().address() as { port: number }).port}`;
  });

  afterAll(async () => {
    await app.close();
    await fake.stop();
  });

  beforeEach(() => {
    fake.clearFaults();
    fake.clearRequests();
    fake.setBalance(1000);
  });

  const documentOf = async () =>
    (await request(app.getHttpServer()).get('/docs-json').expect(200)).body as OpenApiDocument;

  it('documents every send with the library DTO as its body', async () => {
    const { paths } = await documentOf();
    const bodies = Object.fromEntries(
      Object.entries(paths).flatMap(([path, operations]) =>
        Object.values(operations)
          .filter((operation) => operation.requestBody)
          .map((operation) => [
            path,
            operation.requestBody!.content['application/json'].schema.$ref,
          ]),
      ),
    );
    expect(bodies).toEqual({
      '/messages/sms': '#/components/schemas/SendSmsDto',
      '/messages/viber': '#/components/schemas/SendViberDto',
      '/messages/voice': '#/components/schemas/SendVoiceDto',
      '/messages/cascade': '#/components/schemas/SendCascadeDto',
      '/messages/flashcall': '#/components/schemas/SendFlashcallDto',
      '/messages/telegram': '#/components/schemas/SendTelegramDto',
      '/messages/whatsapp': '#/components/schemas/SendWhatsappDto',
      '/registrations': '#/components/schemas/RegisterDto',
      // The verification endpoints' bodies are the sample's: the service checks `to` itself.
      '/verifications': '#/components/schemas/StartVerificationBody',
      '/verifications/{id}/check': '#/components/schemas/CheckVerificationBody',
    });
  });

  it('offers only examples that the sample accepts', async () => {
    const { paths } = await documentOf();
    const examples = Object.entries(paths).flatMap(([path, operations]) =>
      Object.values(operations).flatMap((operation) =>
        Object.entries(operation.requestBody?.content['application/json'].examples ?? {}).map(
          ([name, example]) => ({ path, name, body: example.value }),
        ),
      ),
    );
    expect(examples.length).toBeGreaterThanOrEqual(8);
    for (const { path, name, body } of examples) {
      const response = await request(app.getHttpServer()).post(path).send(body);
      expect([path, name, response.status]).toEqual([path, name, 201]);
    }
  });

  // CI installs chromium (.ci/run) and must run this; elsewhere a machine without one skips it,
  // saying so, so that `npm ci && npm test` works on a fresh machine.
  const haveBrowser = existsSync(CHROMIUM);
  if (!haveBrowser && process.env.CI !== 'true') {
    console.warn(`Skipping the browser test: no browser at ${CHROMIUM} (apt-get install chromium)`);
  }
  const describeInBrowser = haveBrowser || process.env.CI === 'true' ? describe : describe.skip;

  describeInBrowser('in a browser', () => {
    let browser: Browser;
    let profile: string;

    beforeAll(async () => {
      if (!existsSync(CHROMIUM)) {
        throw new Error(`No browser at ${CHROMIUM}: apt-get install -y chromium`);
      }
      profile = mkdtempSync(join(tmpdir(), 'webcom-docs-chromium-'));
      browser = await puppeteer.launch({
        executablePath: CHROMIUM,
        headless: true,
        userDataDir: profile,
        args: [
          '--headless',
          '--no-sandbox',
          '--disable-gpu',
          '--disable-quic',
          '--no-first-run',
          '--disable-background-networking',
          '--disable-component-update',
          '--disable-sync',
        ],
      });
    }, 60_000);

    afterAll(async () => {
      await browser?.close();
      if (profile) rmSync(profile, { recursive: true, force: true });
    });

    it('sends an SMS with "Try it out" and shows the ids the emulator answered', async () => {
      const page = await browser.newPage();
      page.setDefaultTimeout(WAIT.timeout);
      await page.goto(`${baseUrl}/docs`, { waitUntil: 'domcontentloaded' });

      const operation = '#operations-messages-MessagesController_sendSms';
      // Swagger UI renders after the page loads: wait for each element before using it.
      const clickOn = async (selector: string) => (await page.waitForSelector(selector))!.click();
      await clickOn(`${operation} .opblock-summary-control`);
      await clickOn(`${operation} .try-out__btn`);

      const body = `${operation} textarea.body-param__text`;
      await clickOn(body);
      await page.keyboard.down('Control');
      await page.keyboard.press('KeyA');
      await page.keyboard.up('Control');
      await page.keyboard.press('Backspace');
      await page.keyboard.type(
        JSON.stringify({ to: '+7 999 123-45-67', text: 'Hello from Swagger UI' }),
      );
      await clickOn(`${operation} .btn.execute`);

      const status = await page.waitForSelector(
        `${operation} .live-responses-table tr.response .response-col_status`,
      );
      expect(await status!.evaluate((cell) => cell.textContent?.trim())).toBe('201');
      const shown = await page.$eval(
        `${operation} .live-responses-table tr.response .highlight-code pre`,
        (pre) => pre.textContent ?? '',
      );
      const answer = JSON.parse(shown) as { messages: { id: string }[] };
      expect(answer.messages).toEqual([
        { id: expect.any(String), to: '79991234567', price: expect.any(Number) },
      ]);
      expect(fake.messages.get(answer.messages[0].id)).toMatchObject({
        channel: 'sms',
        to: '79991234567',
      });
      expect(fake.requests[0].query).toMatchObject({ text: 'Hello from Swagger UI' });
      await page.close();
    }, 120_000);
  });
});
