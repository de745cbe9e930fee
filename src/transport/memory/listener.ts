/**
 * A `Listener` without sockets: `connect()` creates a memory pair, hands
 * the server side to whoever iterates the listener and returns the client
 * side. Lets the composition root be tested with no network.
 *
 * @module
 */

import type { Conn, Listener } from "../types.ts";
import { createMemoryPair, type MemoryPairOptions } from "./pair.ts";
import { createAcceptQueue } from "../accept_queue.ts";

/** A listener you can connect to in-process. */
export interface MemoryListener extends Listener {
  /** Open a connection; resolves with the client side. */
  connect(): Conn;
}

/** Create a memory listener; `addr` reports `memory:0`. */
export function createMemoryListener(
  options: MemoryPairOptions = {},
): MemoryListener {
  const queue = createAcceptQueue();
  return {
    addr: { hostname: "memory", port: 0 },
    connect() {
      if (queue.ended) throw new Error("Cannot connect: listener closed");
      const [client, server] = createMemoryPair(options);
      queue.push(server);
      return client;
    },
    close: () => queue.end(),
    [Symbol.asyncIterator]: () => queue[Symbol.asyncIterator](),
  };
}
