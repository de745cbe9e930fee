/**
 * Requests with hand-made reply subjects `<prefix>.JSA.<node>.<kind>.<id>`
 * (reference §2.5): one subscription serves every reply, many requests are
 * in flight at once (pipelined JetStream publishes), replies never land on
 * `_INBOX.` where an MQTT `#` subscriber would see them, and session-write
 * acks are visible to every jetmq instance (the takeover protocol).
 *
 * @module
 */

import type {
  Msg,
  MsgHdrs,
  NatsConnection,
  Subscription,
} from "@nats-io/transport-node";

/** Reply-subject kinds; `SP` is a session write `SP.<hash>`. */
export type RequestKind = "API" | "MS" | `SP.${string}`;

/** What `createRequester` returns. */
export interface Requester {
  /** Publish `data` to `subject` and resolve with the reply. */
  request(
    subject: string,
    data: Uint8Array,
    options: { kind: RequestKind; headers?: MsgHdrs },
  ): Promise<Msg>;
  /** Requests waiting for a reply. */
  readonly pending: number;
  close(): void;
}

/** Options of `createRequester`. */
export interface RequesterOptions {
  nc: NatsConnection;
  /** `<prefix>.JSA.<node>.` */
  replyPrefix: string;
  /** Reply deadline in ms. */
  timeout: number;
  now: () => number;
}

interface Waiter {
  resolve(msg: Msg): void;
  reject(error: Error): void;
  deadline: number;
}

/** Create the reply mux; it subscribes at once. */
export function createRequester(options: RequesterOptions): Requester {
  const { nc, replyPrefix, timeout, now } = options;
  const waiters = new Map<string, Waiter>();
  let next = 0;
  const sub: Subscription = nc.subscribe(`${replyPrefix}>`, {
    callback: (_error, msg) => {
      const id = msg.subject.slice(msg.subject.lastIndexOf(".") + 1);
      const waiter = waiters.get(id);
      if (!waiter) return;
      waiters.delete(id);
      waiter.resolve(msg);
    },
  });
  // One timer for every deadline: cheaper than a timer per publish.
  const timer = setInterval(() => {
    const t = now();
    for (const [id, waiter] of waiters) {
      if (waiter.deadline <= t) {
        waiters.delete(id);
        waiter.reject(new Error("Cannot complete NATS request: timed out"));
      }
    }
  }, Math.max(50, Math.min(1000, timeout / 4)));
  return {
    request(subject, data, { kind, headers }) {
      const id = (next++).toString(36);
      return new Promise<Msg>((resolve, reject) => {
        waiters.set(id, { resolve, reject, deadline: now() + timeout });
        try {
          nc.publish(subject, data, {
            reply: `${replyPrefix}${kind}.${id}`,
            headers,
          });
        } catch (error) {
          waiters.delete(id);
          reject(error as Error);
        }
      });
    },
    get pending() {
      return waiters.size;
    },
    close() {
      clearInterval(timer);
      sub.unsubscribe();
      for (const waiter of waiters.values()) {
        waiter.reject(new Error("Cannot complete NATS request: closed"));
      }
      waiters.clear();
    },
  };
}
