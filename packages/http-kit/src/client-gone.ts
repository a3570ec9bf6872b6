import type { ServerResponse } from "node:http";

/**
 * A signal that aborts when the client of a long answer (a followed log, Server-Sent Events) goes away: its
 * connection closed, or the answer ended. It is already aborted when that happened before this call: a route learns
 * of its client only after its hooks and its own awaits (authentication, a database read), and a `close` listener
 * added after the event never runs, so the stream would then be followed for nobody until its deadline.
 *
 * ServerResponse's `close` is the event that means "finished or connection gone" (Node's http docs); the request's
 * own `close` also fires once its body is read, which says nothing about the client.
 */
export function signalWhenClientGoes(response: ServerResponse): AbortSignal {
  const gone = new AbortController();
  const abort = () => gone.abort();
  // A finished answer detaches its socket (null); a dropped connection is destroyed before `close` is emitted.
  if (response.destroyed || response.writableEnded || response.socket === null || response.socket.destroyed) {
    abort();
  } else {
    response.once("close", abort);
  }
  return gone.signal;
}
