/**
 * The queue between a callback-style accept (Bun, HTTP upgrades, memory
 * pairs) and a `Listener`'s async iterator. Web globals only; shared by the
 * adapters.
 *
 * @module
 */

import type { Conn } from "./types.ts";

/** Accepted connections waiting for the iterator. */
export interface AcceptQueue extends AsyncIterable<Conn> {
  /** Hand over one connection (closed at once after `end()`). */
  push(conn: Conn): void;
  /** End iteration; connections queued before are still yielded. */
  end(): void;
  readonly ended: boolean;
}

/** Create an accept queue. */
export function createAcceptQueue(): AcceptQueue {
  const queued: Conn[] = [];
  let waiting: ((conn: Conn | undefined) => void) | undefined;
  let ended = false;
  return {
    get ended() {
      return ended;
    },
    push(conn) {
      if (ended) return conn.close();
      if (!waiting) return void queued.push(conn);
      const w = waiting;
      waiting = undefined;
      w(conn);
    },
    end() {
      ended = true;
      waiting?.(undefined);
      waiting = undefined;
    },
    async *[Symbol.asyncIterator](): AsyncIterator<Conn> {
      while (true) {
        const next = queued.shift() ??
          (ended ? undefined : await new Promise<Conn | undefined>((r) => {
            waiting = r;
          }));
        if (!next) return;
        yield next;
      }
    },
  };
}
