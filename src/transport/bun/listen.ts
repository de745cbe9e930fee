/**
 * TCP and TLS listeners on Bun: `Bun.listen` callbacks turned into an async
 * iterable of `Conn`s.
 *
 * @module
 */

import type { Listener, ListenOptions } from "../types.ts";
import { type BunSocket, getBun } from "./_bun.ts";
import { createSocketConn, type SocketConn } from "./socket_conn.ts";
import { createAcceptQueue } from "../accept_queue.ts";

/** Bind a TCP (or, with `options.tls`, TLS) listener. */
export function listenBun(options: ListenOptions): Promise<Listener> {
  const kind = options.tls ? "tls" : "tcp";
  const queue = createAcceptQueue();
  const inner = getBun().listen<SocketConn | undefined>({
    hostname: options.hostname,
    port: options.port,
    tls: options.tls,
    socket: {
      open(socket: BunSocket<SocketConn | undefined>) {
        socket.setNoDelay?.(true);
        const sc = createSocketConn(socket, kind);
        socket.data = sc;
        queue.push(sc.conn);
      },
      data: (socket, data) => socket.data?.onData(data),
      drain: (socket) => socket.data?.onDrain(),
      close: (socket, error) => socket.data?.onClose(error),
      error: (socket, error) => socket.data?.onClose(error),
      end: (socket) => socket.data?.onClose(),
    },
  });

  return Promise.resolve({
    addr: { hostname: inner.hostname, port: inner.port },
    close() {
      if (queue.ended) return;
      queue.end();
      inner.stop(false);
    },
    [Symbol.asyncIterator]: () => queue[Symbol.asyncIterator](),
  });
}
