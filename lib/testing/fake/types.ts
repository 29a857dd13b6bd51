import type { TypeSend } from '../../protocol/channels.js';
import type { DeliveryState } from '../../protocol/results.js';

export type { DeliveryState } from '../../protocol/results.js';

/** @deprecated Use `TypeSend`: the values `type_send_1` takes. */
export type FakeChannel = TypeSend;

/**
 * An account the emulator knows. A request authenticates with `user` + `password`, with `token`,
 * or with `user` + the MD5 of `token`; an account without a `token` can only use the password.
 */
export interface FakeAccount {
  /** The account's login (wire `user`). */
  user?: string;
  /** The password that proves `user` (wire `pwd`). */
  password?: string;
  /** The account's token (wire `token`, or its MD5 as `token_hash`). */
  token?: string;
  /** Defaults to 1000. */
  balance?: number;
  /** Second line of the plain-text balance answer. Defaults to `RUB`. */
  currency?: string;
}

/** What `FakeWebcomServer.start` listens on and what the emulated gateway starts with. */
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
  prices?: Partial<Record<TypeSend, number>>;
  /** Time from sending to the first delivery report. Defaults to 1000 ms. */
  deliverAfterMs?: number;
  /** Time from delivery to the read report (Viber, Telegram, WhatsApp only). Defaults to 3000 ms. */
  readAfterMs?: number;
  /** `businessman` code for individuals (docs/protocol.md D5). Defaults to `fl`. */
  individualCode?: string;
}

/** A way to misbehave, queued with `FakeWebcomServer.fail`. */
export type FakeFault =
  /** Answer with this status (default body: a small HTML error page). The operation is not performed. */
  | {
      kind: 'http';
      /** The HTTP status to answer. */
      status: number;
      /** The body to answer; default a small HTML error page. */
      body?: string;
      /** Extra response headers. */
      headers?: Record<string, string>;
    }
  /** Perform the operation at once, answer it after `ms`. */
  | {
      kind: 'delay';
      /** How long to wait before answering, in milliseconds. */
      ms: number;
    }
  /** Perform the operation, send the headers at once and the body one byte every `intervalMs`. */
  | {
      kind: 'trickle';
      /** The wait between two bytes of the body, in milliseconds. */
      intervalMs: number;
    }
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
  | {
      kind: 'oversized';
      /** The body's length in bytes. */
      bytes: number;
    }
  /** A redirect (302 unless `status` says otherwise) to `location`. The operation is not performed. */
  | {
      kind: 'redirect';
      /** The `Location` header's value. */
      location: string;
      /** The redirect status; default 302. */
      status?: number;
    }
  /** Perform the operation and answer it in docs/protocol.md §3's plain-text form. */
  | { kind: 'plain-text' };

/** A request the emulator received, as `FakeWebcomServer.requests` records it. */
export interface FakeRequest {
  /** What the request asked for, by its path and parameters; `unknown` for any other path. */
  operation: 'send' | 'status' | 'balance' | 'registration' | 'unknown';
  /** The HTTP method, e.g. `GET`. */
  method: string;
  /** The path as received, without the query string. */
  path: string;
  /** The request target as received, undecoded. */
  url: string;
  /** Decoded parameters; when a name repeats, the last value wins (as in PHP's `$_GET`). */
  query: Record<string, string>;
  /** Decoded parameters, every value. */
  params: URLSearchParams;
  /** When it arrived (epoch ms). */
  receivedAt: number;
  /** The fault applied to this request, if any. */
  fault?: FakeFault['kind'];
}

/** One message to one recipient. */
export interface FakeMessage {
  /** Its message id, as the send's answer gave it. */
  id: string;
  /** The primary channel, `type_send_1` (`sms` when absent). */
  channel: TypeSend;
  /** The recipient, as international digits. */
  to: string;
  /** The account's `user`, else its `token`; `*` for the permissive account. */
  account: string;
  /** What it cost. */
  price: number;
  /** Its delivery state now. */
  state: DeliveryState;
  /** When `state` last changed (epoch ms). */
  updatedAt: number;
  /** The 4-digit code a flashcall carries. */
  code?: string;
  /** When it was sent (epoch ms). */
  sentAt: number;
  /** The send request's decoded parameters (last value wins). */
  params: Record<string, string>;
}
