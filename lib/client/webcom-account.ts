import { HttpService } from '@nestjs/axios';
import { Logger, type InjectionToken } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { SecretRedactor } from '../errors/redaction.js';
import { checkAccountRegisteredOnce } from '../options/account-name.js';
import { SandboxTransport } from '../sandbox/sandbox-transport.js';
import { getWebcomProviderToken, type WebcomProvider } from '../get-webcom-provider-token.util.js';
import type { GatewayTransport } from '../transport/gateway-transport.js';
import { WebcomTelemetry } from '../telemetry/webcom-telemetry.js';
import { createGatewayHttpService, HttpTransport } from '../transport/http-transport.js';
import { buildProvider, type PlainProvider } from '../util/build-providers.js';
import {
  resolveOptions,
  type ResolvedWebcomOptions,
  type WebcomModuleOptions,
} from '../webcom-options.js';
import { WebcomEventStream } from './event-stream.js';
import { credentialSecrets, WebcomGatewayClient } from './gateway-client.js';
import { MessageStateMemory } from './message-states.js';
import { WebcomRegistration } from './registration.js';
import { WebcomStatusReads } from './status-reads.js';

/** Query parameters whose values are safe in a debug log: no secret, no text, no number. */
const LOGGABLE_PARAMS = new Set([
  'type_send_1',
  'type_send_2',
  'balance',
  'registration',
  'businessman',
]);

/** The units `WebcomService` delegates to: one account's set. */
export class WebcomAccount {
  constructor(
    readonly gateway: WebcomGatewayClient,
    readonly events: WebcomEventStream,
    readonly statusReads: WebcomStatusReads,
    readonly registration: WebcomRegistration,
  ) {}
}

/**
 * The `HttpService` of an account: the application's `axiosInstance` as it is, or axios on an
 * undici engine of the account's own (`maxSockets`, `proxy`, `ca`, `timeoutMs`).
 */
export function createAccountHttpService(options: ResolvedWebcomOptions): HttpService {
  return options.axiosInstance
    ? new HttpService(options.axiosInstance)
    : createGatewayHttpService(options);
}

/** The network transport of an account: HTTP with its timeouts, retries and socket bound. */
export function createHttpTransport(
  options: ResolvedWebcomOptions,
  http: HttpService,
  telemetry: WebcomTelemetry,
  name?: string,
): HttpTransport {
  return new HttpTransport(
    http,
    {
      timeoutMs: options.timeoutMs,
      retries: options.retries,
      loggableParams: LOGGABLE_PARAMS,
      logRequests: options.logRequests,
      onRetry: (retry) => telemetry.retried(retry),
    },
    new SecretRedactor(credentialSecrets(options)),
    new Logger(name ? `WebcomService:${name}` : 'WebcomService'),
  );
}

/** The options as the user gave them, when a script builds the account without Nest. */
const SCRIPT_OPTIONS = Symbol('WebcomScriptOptions');

/**
 * An account outside Nest (`new WebcomService(options)` in a script): built from the providers
 * `WebcomModule` registers, by `buildProvider`; throws on bad options.
 */
export function createWebcomAccount(options: WebcomModuleOptions, name?: string): WebcomAccount {
  return buildProvider<WebcomAccount>(
    [
      { provide: SCRIPT_OPTIONS, useValue: options },
      ...webcomAccountProviders(name, SCRIPT_OPTIONS),
    ],
    WebcomAccount,
  );
}

/**
 * The providers of one account, each under its own token (`getWebcomProviderToken`), so a test
 * can override any of them, and the `WebcomAccount` over them (under its class, inside the
 * account's module); `rawOptionsToken` provides the options as the user gave them. The transport
 * provider is `transport` when given (the testing module's in-memory gateway).
 */
export function webcomAccountProviders(
  name: string | undefined,
  rawOptionsToken: string | symbol,
  transport?: { useExisting: InjectionToken },
): PlainProvider[] {
  const token = (provider: WebcomProvider) => getWebcomProviderToken(provider, name);
  return [
    {
      provide: token('options'),
      // The options are checked here, so bad ones stop the application at boot.
      useFactory: (options: WebcomModuleOptions, moduleRef?: ModuleRef) => {
        const resolved = resolveOptions(options, name);
        checkAccountRegisteredOnce(name, moduleRef);
        return resolved;
      },
      // Optional: a script builds these providers without Nest, and has one account.
      inject: [rawOptionsToken, { token: ModuleRef, optional: true }],
    },
    {
      provide: token('telemetry'),
      useFactory: (options: ResolvedWebcomOptions) => new WebcomTelemetry(name, options.baseUrl),
      inject: [token('options')],
    },
    {
      provide: token('http-service'),
      useFactory: (options: ResolvedWebcomOptions) => createAccountHttpService(options),
      inject: [token('options')],
    },
    transport
      ? { provide: token('transport'), ...transport }
      : {
          provide: token('transport'),
          useFactory: (
            options: ResolvedWebcomOptions,
            http: HttpService,
            telemetry: WebcomTelemetry,
          ) =>
            options.sandbox
              ? new SandboxTransport(name)
              : createHttpTransport(options, http, telemetry, name),
          inject: [token('options'), token('http-service'), token('telemetry')],
        },
    { provide: token('events'), useFactory: () => new WebcomEventStream() },
    {
      provide: token('gateway-client'),
      useFactory: (
        options: ResolvedWebcomOptions,
        transport: GatewayTransport,
        events: WebcomEventStream,
        telemetry: WebcomTelemetry,
      ) => new WebcomGatewayClient(options, transport, events, telemetry),
      inject: [token('options'), token('transport'), token('events'), token('telemetry')],
    },
    {
      provide: token('message-states'),
      useFactory: (events: WebcomEventStream) => new MessageStateMemory(events),
      inject: [token('events')],
    },
    {
      provide: token('delivery-tracker'),
      useFactory: (
        options: ResolvedWebcomOptions,
        gateway: WebcomGatewayClient,
        states: MessageStateMemory,
        events: WebcomEventStream,
      ) => new WebcomStatusReads(gateway, states, events, options, name),
      inject: [token('options'), token('gateway-client'), token('message-states'), token('events')],
    },
    {
      provide: token('registration'),
      useFactory: (options: ResolvedWebcomOptions, gateway: WebcomGatewayClient) =>
        new WebcomRegistration(options, gateway),
      inject: [token('options'), token('gateway-client')],
    },
    {
      provide: WebcomAccount,
      useFactory: (
        gateway: WebcomGatewayClient,
        events: WebcomEventStream,
        statusReads: WebcomStatusReads,
        registration: WebcomRegistration,
      ) => new WebcomAccount(gateway, events, statusReads, registration),
      inject: [
        token('gateway-client'),
        token('events'),
        token('delivery-tracker'),
        token('registration'),
      ],
    },
  ];
}
