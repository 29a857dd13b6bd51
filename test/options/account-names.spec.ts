import 'reflect-metadata';
import { Module } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import {
  getWebcomToken,
  WebcomModule,
  WebcomService,
  WebcomValidationError,
  type WebcomModuleOptions,
} from '../../lib/index.js';
import { WebcomTestingModule } from '../../lib/testing/index.js';
import { RecordingGateway } from '../support/recording-gateway.js';
import { invalid } from '../support/thrown.js';
import '../support/quiet-logs.js';

describe('account names are refused at boot, naming the account', () => {
  let gateway: RecordingGateway;
  const options = (user: string): WebcomModuleOptions => ({
    credentials: { user, password: 's3cret' },
    baseUrl: gateway.baseUrl,
  });

  beforeAll(async () => {
    gateway = await RecordingGateway.start();
  });
  afterAll(() => gateway.stop());

  const boot = (imports: Parameters<typeof Test.createTestingModule>[0]['imports']) =>
    Test.createTestingModule({ imports }).compile();

  it("'' beside the default account: refused, not mapped to the default account's tokens", async () => {
    const error = await boot([
      WebcomModule.forRoot(options('main')),
      WebcomModule.forRoot({ ...options('other'), name: '' }),
    ]).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WebcomValidationError);
    expect((error as Error).message).toContain("account ''");
    expect((error as WebcomValidationError).errors).toEqual([
      { field: 'name', messages: [expect.stringContaining('non-empty string')] },
    ]);
  });

  it("'' from forRootAsync and from a script: refused too", async () => {
    await expect(
      boot([WebcomModule.forRootAsync({ name: '', useFactory: () => options('other') })]),
    ).rejects.toThrow(/account ''.*name \(must be a non-empty string/);
    expect(() => new WebcomService(options('other'), '')).toThrow(WebcomValidationError);
  });

  it('a name that is not a string: refused', async () => {
    await expect(
      boot([WebcomModule.forRoot({ ...options('other'), name: invalid<string>(7) })]),
    ).rejects.toThrow(/account 7 \(number\).*must be a non-empty string/);
  });

  it('a name registered twice: refused, naming it, rather than one of them silently dropped', async () => {
    @Module({ imports: [WebcomModule.forRoot({ ...options('billing-a'), name: 'billing' })] })
    class BillingA {}
    @Module({ imports: [WebcomModule.forRoot({ ...options('billing-b'), name: 'billing' })] })
    class BillingB {}

    const error = await boot([BillingA, BillingB]).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(WebcomValidationError);
    expect((error as Error).message).toContain("account 'billing'");
    expect((error as Error).message).toContain('registered 2 times');
    // Never the credentials of either.
    expect((error as Error).message).not.toContain('billing-a');
  });

  it('twice in one imports list, or a testing module beside a real one: refused', async () => {
    await expect(
      boot([
        WebcomModule.forRoot({ ...options('a'), name: 'sms', isGlobal: true }),
        WebcomModule.forRoot({ ...options('b'), name: 'sms', isGlobal: true }),
      ]),
    ).rejects.toThrow(/account 'sms'/);
    await expect(
      boot([
        WebcomModule.forRoot({ ...options('a'), name: 'sms' }),
        WebcomTestingModule.forRoot({ name: 'sms' }),
      ]),
    ).rejects.toThrow(/account 'sms'.*registered 2 times/);
  });

  it('distinct names, and the same registration imported by two modules, boot', async () => {
    const marketing = WebcomModule.forRoot({ ...options('m'), name: 'marketing', isGlobal: true });
    @Module({ imports: [marketing] })
    class A {}
    @Module({ imports: [marketing] })
    class B {}
    const moduleRef = await boot([
      WebcomModule.forRoot(options('main')),
      A,
      B,
      WebcomModule.forRoot({ ...options('s'), name: 'service' }),
    ]);
    expect(moduleRef.get(getWebcomToken('marketing'))).toBeInstanceOf(WebcomService);
    await moduleRef.close();
  });
});
