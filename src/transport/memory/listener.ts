/**
 * A `Listener` without sockets: `connect()` creates a memory pair, hands
 * the server side to whoever iterates the listener and returns the client
 * side. Lets the composition root be tested with no network.
 *
 * @module
 */

import type { Conn, Listener } from "../types.ts";
import { createMemoryPair, type MemoryPairOptions } from "./pair.ts";

/** A listener you can connect to in-process. */
export interface MemoryListener extends Listener {
  /** Open a connection; resolves with the client side. */
  connect(): Conn;
}

/** Create a memory listener; `addr` reports `memory:0`. */
export function createMemoryListener(
  options: MemoryPairOptions = {},
): MemoryListener {
  const queue: Conn[] = [];
  let waiting: ((conn: Conn | undefined) => void) | undefined;
  let closed = false;
  return {
    addr: { hostname: "memory", port: 0 },
    connect() {
      if (closed) throw new Error("Cannot connect: listener closed");
      const [client, server] = createMemoryPair(options);
      if (waiting) {
        const w = waiting;
        waiting = undefined;
        w(server);
      } else queue.push(server);
      return client;
    },
    close() {
      closed = true;
      waiting?.(undefined);
      waiting = undefined;
    },
    async *[Symbol.asyncIterator](): AsyncIterator<Conn> {
      while (true) {
        const next = queue.shift() ??
          (closed ? undefined : await new Promise<Conn | undefined>((r) => {
            waiting = r;
          }));
        if (!next) return;
        yield next;
      }
    },
  };
}
