import type { ClientRequest, RequestOptions } from 'node:http';
import * as http from 'node:http';
import * as https from 'node:https';
import type { Socket } from 'node:net';

/**
 * What axios's `transport` option expects: node's `request`, here wrapped to observe whether the
 * request ever had a connected socket. A request that never did provably never left, the only
 * case in which a send may be tried again.
 */
export interface TrackedTransport {
  request(options: RequestOptions, callback?: (res: http.IncomingMessage) => void): ClientRequest;
  /** True once a socket was ready to carry the request (TCP connected, TLS done). */
  readonly connected: boolean;
  /** True once axios called `request`: only its http adapter does; others leave nothing known. */
  readonly used: boolean;
}

export function trackedTransport(secure: boolean): TrackedTransport {
  const module = secure ? https : http;
  const tracker = {
    connected: false,
    used: false,
    request(options: RequestOptions, callback?: (res: http.IncomingMessage) => void) {
      tracker.used = true;
      const request = module.request(options, callback);
      request.once('socket', (socket: Socket) => {
        // A socket that is not connecting is established (a reused keep-alive one); a new one
        // counts once its handshake is done. Erring towards "connected" only costs a retry.
        if (!socket.connecting) tracker.connected = true;
        else socket.once(secure ? 'secureConnect' : 'connect', () => (tracker.connected = true));
      });
      return request;
    },
  };
  return tracker;
}
