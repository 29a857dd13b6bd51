import type { Channel } from '../../channel-registry.js';
import type { DeliveryState } from '../../protocol/results.js';

export type { DeliveryState } from '../../protocol/results.js';

/**
 * The values `type_send_1` may take (PROTOCOL.md §2): the registry's channels, and the voice
 * channel's IVR form.
 */
export type FakeChannel = Channel | 'voice_ivr';

/**
 * An account the emulator knows. A request authenticates with `user` + `password`, with `token`,
 * or with `user` + the MD5 of `token`; an account without a `token` can only use the password.
 */
export interface FakeAccount {
  user?: string;
  password?: string;
  token?: string;
  /** Defaults to 1000. */
  balance?: number;
  /** Second line of the plain-text balance answer. Defaults to `RUB`. */
  currency?: string;
}

export interface FakeWebcomServerOptions {
  /** Defaults to `127.0.0.1`. */
  host?: string;
  /** Defaults to 0: an ephemeral port, read it from `baseUrl`. */
  port?: number;
  /**
   * The accounts that may authenticate. When absent, any well-formed credentials are accepted
   * and all share one permissive account with a balance of 1000 (accounts created by
   * registration are still checked strictly).
   */
  accounts?: FakeAccount[];
  /** Price of one message to one recipient, by primary channel; see `DEFAULT_PRICES`. */
  prices?: Partial<Record<FakeChannel, number>>;
  /** Time from sending to the first delivery report. Defaults to 1000 ms. */
  deliverAfterMs?: number;
  /** Time from delivery to the read report (Viber, Telegram, WhatsApp only). Defaults to 3000 ms. */
  readAfterMs?: number;
  /** `businessman` code for individuals (PROTOCOL.md D5). Defaults to `fl`. */
  individualCode?: string;
}

/** A way to misbehave, queued with `FakeWebcomServer.fail`. */
export type FakeFault =
  /** Answer with this status (default body: a small HTML error page). The operation is not performed. */
  | { kind: 'http'; status: number; body?: string; headers?: Record<string, string> }
  /** Perform the operation at once, answer it after `ms`. */
  | { kind: 'delay'; ms: number }
  /** Perform the operation, send the headers at once and the body one byte every `intervalMs`. */
  | { kind: 'trickle'; intervalMs: number }
  /** Read the request, then destroy the socket without answering. The operation is not performed. */
  | { kind: 'drop' }
  /** Perform the operation, declare the answer's full Content-Length, send half of it, close. */
  | { kind: 'truncate' }
  /** 200 with broken JSON. The operation is not performed. */
  | { kind: 'malformed' }
  /** 200 with a PHP-style HTML error page. The operation is not performed. */
  | { kind: 'html' }
  /** 200 with an empty body. The operation is not performed. */
  | { kind: 'empty' }
  /** 200 with a body of `bytes` bytes of `x`. The operation is not performed. */
  | { kind: 'oversized'; bytes: number }
  /** A redirect (302 unless `status` says otherwise) to `location`. The operation is not performed. */
  | { kind: 'redirect'; location: string; status?: number }
  /** Perform the operation and answer it in PROTOCOL.md §3's plain-text form. */
  | { kind: 'plain-text' };

export interface FakeRequest {
  operation: 'send' | 'status' | 'balance' | 'registration' | 'unknown';
  method: string;
  /** The path as received, without the query string. */
  path: string;
  /** The request target as received, undecoded. */
  url: string;
  /** Decoded parameters; when a name repeats, the last value wins (as in PHP's `$_GET`). */
  query: Record<string, string>;
  /** Decoded parameters, every value. */
  params: URLSearchParams;
  receivedAt: number;
  /** The fault applied to this request, if any. */
  fault?: FakeFault['kind'];
}

/** One message to one recipient. */
export interface FakeMessage {
  id: string;
  /** The primary channel, `type_send_1` (`sms` when absent). */
  channel: FakeChannel;
  to: string;
  /** The account's `user`, else its `token`; `*` for the permissive account. */
  account: string;
  price: number;
  state: DeliveryState;
  /** When `state` last changed (epoch ms). */
  updatedAt: number;
  /** The 4-digit code a flashcall carries. */
  code?: string;
  sentAt: number;
  /** The send request's decoded parameters (last value wins). */
  params: Record<string, string>;
}
