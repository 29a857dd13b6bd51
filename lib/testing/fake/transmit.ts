import type { IncomingMessage, ServerResponse } from 'node:http';
import { STATUS_CODES } from 'node:http';
import type { FakeFault } from './types.js';
import { escapeHtml } from './wire.js';

/**
 * PHP's default Content-Type, whatever the body is: a client must judge an answer by its body,
 * never by this header.
 */
export const PHP_CONTENT_TYPE = 'text/html; charset=UTF-8';

export interface Answer {
  status: number;
  body: string;
  headers?: Record<string, string>;
}

/** Faults that replace the operation's answer; the operation is then not performed. */
export type ReplacingFault = Extract<
  FakeFault,
  { kind: 'http' | 'malformed' | 'html' | 'empty' | 'redirect' }
>;

const REPLACING_KINDS: ReadonlySet<FakeFault['kind']> = new Set([
  'http',
  'malformed',
  'html',
  'empty',
  'redirect',
]);

export function isReplacing(fault: FakeFault): fault is ReplacingFault {
  return REPLACING_KINDS.has(fault.kind);
}

const OVERSIZED_CHUNK = Buffer.alloc(64 * 1024, 'x');

export function htmlPage(title: string, bodyHtml: string): string {
  return `<!DOCTYPE html><html><head><meta charset="utf-8"><title>${escapeHtml(title)}</title></head><body>${bodyHtml}</body></html>`;
}

export function answerForFault(fault: ReplacingFault): Answer {
  switch (fault.kind) {
    case 'http': {
      const reason = `${fault.status} ${STATUS_CODES[fault.status] ?? ''}`.trim();
      return {
        status: fault.status,
        body: fault.body ?? htmlPage(reason, `<h1>${escapeHtml(reason)}</h1>`),
        headers: fault.headers,
      };
    }
    case 'malformed':
      return { status: 200, body: '{"information":[{"id_message":"112346","price":"10.6' };
    case 'html':
      return {
        status: 200,
        body: htmlPage(
          'Webcom',
          '<br /><b>Fatal error</b>: Uncaught Error: Call to a member function query() on null in <b>/var/www/sendsms.php</b> on line <b>42</b><br />',
        ),
      };
    case 'empty':
      return { status: 200, body: '' };
    case 'redirect':
      return { status: fault.status ?? 302, body: '', headers: { Location: fault.location } };
  }
}

export function send(res: ServerResponse, answer: Answer): void {
  const body = Buffer.from(answer.body);
  res.writeHead(answer.status, headersOf(answer, body.length));
  res.end(body);
}

/** Full Content-Length, half the body, then the socket goes away. */
export function sendTruncated(res: ServerResponse, answer: Answer): void {
  const body = Buffer.from(answer.body);
  res.writeHead(answer.status, headersOf(answer, body.length));
  res.write(body.subarray(0, Math.floor(body.length / 2)), () => res.socket?.destroy());
}

/** Headers at once, then the body one byte every `intervalMs`. */
export function trickle(res: ServerResponse, answer: Answer, intervalMs: number): void {
  const body = Buffer.from(answer.body);
  res.writeHead(answer.status, headersOf(answer, body.length));
  res.flushHeaders();
  let sent = 0;
  const timer = setInterval(() => {
    if (sent === body.length) {
      clearInterval(timer);
      res.end();
      return;
    }
    res.write(body.subarray(sent, sent + 1));
    sent += 1;
  }, intervalMs);
  res.once('close', () => clearInterval(timer));
}

/** Streams `bytes` bytes with back-pressure, stopping when the client goes away. */
export function sendOversized(res: ServerResponse, bytes: number): void {
  res.writeHead(200, { 'content-type': PHP_CONTENT_TYPE, 'content-length': String(bytes) });
  let remaining = bytes;
  const pump = (): void => {
    while (remaining > 0 && !res.destroyed) {
      const size = Math.min(remaining, OVERSIZED_CHUNK.length);
      remaining -= size;
      if (!res.write(OVERSIZED_CHUNK.subarray(0, size))) {
        res.once('drain', pump);
        return;
      }
    }
    if (!res.destroyed) res.end();
  };
  pump();
}

/** Waits for the whole request, then destroys the socket without a byte of answer. */
export function drop(req: IncomingMessage): void {
  if (req.complete) req.socket.destroy();
  else req.once('end', () => req.socket.destroy());
}

/** Runs `action` after `ms` unless the client has gone away by then. */
export function later(res: ServerResponse, ms: number, action: () => void): void {
  const timer = setTimeout(action, ms);
  res.once('close', () => clearTimeout(timer));
}

/** Lower-cases names so that a fault's `content-type` replaces the default instead of doubling it. */
function headersOf(answer: Answer, length: number): Record<string, string> {
  const headers: Record<string, string> = { 'content-type': PHP_CONTENT_TYPE };
  for (const [name, value] of Object.entries(answer.headers ?? {})) {
    headers[name.toLowerCase()] = value;
  }
  headers['content-length'] = String(length);
  return headers;
}
