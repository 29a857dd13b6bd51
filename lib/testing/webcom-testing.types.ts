import type { ConfigurableModuleAsyncOptions } from '@nestjs/common';
import type { DtoOf, SendKind, SendMethod } from '../channel-registry.js';
import type { Channel, TypeSend } from '../protocol/channels.js';
import type { DeliveryState, SendResult } from '../protocol/results.js';
import type { WebcomModuleOptions } from '../webcom-options.js';

/** The per-channel send methods of `WebcomService`, as `calls` and `sent` name them. */
export type WebcomSendMethod = SendMethod;

/** The `WebcomService` methods that reach the gateway, as `calls` and `failNext` name them. */
export type WebcomMethod = WebcomSendMethod | 'getStatus' | 'getBalance' | 'register';

/** The DTO of any send. */
export type WebcomSendDto = DtoOf<SendKind>;

/**
 * A send request the simulated gateway accepted: one per call, or one per request when the
 * service split a long recipient list over several (`maxUrlLength`).
 */
export interface WebcomSentRecord {
  /** The service method called, e.g. `sendSms`. */
  method: WebcomSendMethod;
  /** The channel the message went out on; a cascade's primary channel. */
  channel: Channel;
  /** The recipients of this request as the gateway received them: international digits. */
  to: string[];
  /** The sender used on that channel: the call's `from`, else the `senders` option's. */
  from?: string;
  /** The text on that channel, if any. */
  text?: string;
  /** The argument as the caller passed it; `to` and `from` above are what it became. */
  dto: WebcomSendDto;
  /** What the gateway answered this request. */
  result: SendResult;
}

/** One call of a gateway method, valid or not, in the order the calls were made. */
export interface WebcomCallRecord {
  /** The service method called. */
  method: WebcomMethod;
  /** The argument as the caller passed it; none for `getBalance`. */
  argument?: unknown;
  /** Set once the call resolved. */
  result?: unknown;
  /** Set once the call rejected. */
  error?: Error;
}

/** What a status read returns: a state, or a state with the status's `time` and `code`. */
export interface StatusDetail {
  /** The delivery state. */
  state: DeliveryState;
  /** The status's `time`, as the gateway writes it. */
  time?: string;
  /** The activation code a flashcall carried. */
  code?: string;
}

/** One status read's answer in `statuses`: a bare state, or a state with its details. */
export type StatusStep = DeliveryState | StatusDetail;

/** Which calls `WebcomTestingGateway.failNext` makes fail, and how many. */
export interface FailNextOptions {
  /** Only calls of this method fail; by default the next call of any gateway method. */
  method?: WebcomMethod;
  /** How many such calls fail in a row; default 1. */
  times?: number;
}

/** Options of `forRoot`/`forRootAsync` that shape the module rather than the account. */
export interface WebcomTestingModuleExtras {
  /** Registers the account `name`, as `WebcomModule`'s `name` does. */
  name?: string;
  /** Makes the account's `WebcomService` injectable in every module, as `WebcomModule`'s does. */
  isGlobal?: boolean;
}

/**
 * `WebcomTestingModule.forRoot` takes the options `WebcomModule.forRoot` takes, so a test can
 * pass the app's own; those that shape what a call does (`senders`, `maxSmsSegments`,
 * `maxUrlLength`, `includeTextInEvents`, `concurrency`) apply, the connection settings are
 * ignored, and `credentials` may be left out. Plus what the simulated gateway starts with.
 */
export interface WebcomTestingModuleOptions
  extends Partial<WebcomModuleOptions>, WebcomTestingModuleExtras {
  /** The account's balance at the start; default 1000. Each send pays its price from it. */
  balance?: number;
  /** Reported by `getBalance` when set. */
  currency?: string;
  /** Price of one message to one recipient; defaults are `FakeWebcomServer`'s `DEFAULT_PRICES`. */
  prices?: Partial<Record<TypeSend, number>>;
  /**
   * What every new message's status reads return, in order, the last one repeating; default
   * `['send']`. Tests change one message's with `setStatus`.
   */
  statuses?: StatusStep[];
}

/** What `forRootAsync`'s factory returns: `forRoot`'s options, less those that shape the module. */
export type WebcomTestingAccountOptions = Omit<WebcomTestingModuleOptions, 'name' | 'isGlobal'>;

/**
 * `WebcomTestingModule.forRootAsync`'s options, those of `WebcomModule.forRootAsync`: `useFactory`
 * with `imports` and `inject` (the app's `ConfigService`), or `useClass`/`useExisting` with the
 * app's `WebcomOptionsFactory`. `name` and `isGlobal` are given here, not by the factory.
 */
export interface WebcomTestingModuleAsyncOptions
  extends
    Pick<
      ConfigurableModuleAsyncOptions<WebcomTestingAccountOptions, 'createWebcomOptions'>,
      'imports' | 'inject' | 'useFactory' | 'useClass' | 'useExisting'
    >,
    WebcomTestingModuleExtras {}
