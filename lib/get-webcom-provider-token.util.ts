/** The providers each account is made of, one job each (see `getWebcomProviderToken`). */
export type WebcomProvider =
  /** The account's options, checked and with every default filled in. */
  | 'options'
  /**
   * The `HttpService` (`@nestjs/axios`) the transport sends with: axios on the module's undici
   * engine, or on the `axiosInstance` option. Override it to add interceptors or to stub HTTP.
   */
  | 'http-service'
  /**
   * `WebcomTelemetry`: the account's spans and metrics (OpenTelemetry). Override it to report
   * differently, or not at all.
   */
  | 'telemetry'
  /** The `GatewayTransport`: one GET to the gateway, nothing of channels. */
  | 'transport'
  /** `WebcomGatewayClient`: every gateway call, encode → transport → decode. */
  | 'gateway-client'
  /** `WebcomEventStream`: `events$`, and the one place failures are reported. */
  | 'events'
  /** `MessageStateMemory`: the last state of recent messages, for `status` events. */
  | 'message-states'
  /** `WebcomStatusReads`: status reads and polling, under the account's budget. */
  | 'delivery-tracker'
  /** `WebcomRegistration`: opening accounts. */
  | 'registration';

/**
 * The token of one provider of an account, e.g. for
 * `Test.createTestingModule(…).overrideProvider(getWebcomProviderToken('transport', name))`.
 */
export function getWebcomProviderToken(provider: WebcomProvider, name?: string): string {
  return name ? `Webcom:${provider}:${name}` : `Webcom:${provider}`;
}
