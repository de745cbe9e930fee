/**
 * TCP and TLS listeners on Bun: `Bun.listen` callbacks turned into an async
 * iterable of `Conn`s.
 *
 * @module
 */

import type { Conn, Listener, ListenOptions } from "../types.ts";
import { type BunSocket, getBun } from "./_bun.ts";
import { createSocketConn, type SocketConn } from "./socket_conn.ts";

/** Bind a TCP (or, with `options.tls`, TLS) listener. */
export function listenBun(options: ListenOptions): Promise<Listener> {
  const kind = options.tls ? "tls" : "tcp";
  const accepted: Conn[] = [];
  let waiting: ((conn: Conn | undefined) => void) | undefined;
  let stopped = false;

  function push(conn: Conn): void {
    if (stopped) return conn.close();
    if (waiting) {
      const w = waiting;
      waiting = undefined;
      w(conn);
    } else accepted.push(conn);
  }

  const inner = getBun().listen<SocketConn | undefined>({
    hostname: options.hostname,
    port: options.port,
    tls: options.tls,
    socket: {
      open(socket: BunSocket<SocketConn | undefined>) {
        socket.setNoDelay?.(true);
        const sc = createSocketConn(socket, kind);
        socket.data = sc;
        push(sc.conn);
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
      if (stopped) return;
      stopped = true;
      inner.stop(false);
      waiting?.(undefined);
      waiting = undefined;
    },
    async *[Symbol.asyncIterator](): AsyncIterator<Conn> {
      while (true) {
        const next = accepted.shift() ??
          (stopped ? undefined : await new Promise<Conn | undefined>((r) => {
            waiting = r;
          }));
        if (!next) return;
        yield next;
      }
    },
  });
}
