import type { CallKind } from '../transport/gateway-transport.js';

/**
 * D14, the one judgement of an HTTP answer other than success: could the message have gone
 * out? A send answered 5xx may have been passed on before the server failed (a proxy's 502/504
 * after the upstream took it, a PHP fatal after the insert): possibly delivered. A 429 is a
 * refusal before processing, any other 4xx a refusal, and a read sends nothing.
 */
export function answerPossiblyDelivered(call: CallKind, status: number): boolean {
  return call === 'send' && status >= 500 && status <= 599;
}
