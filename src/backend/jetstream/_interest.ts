/**
 * Core NATS interest, deduplicated per process: one subscription per
 * distinct NATS subject, however many sessions need it; each message is
 * handed to every registered holder, which decides whether it owes a copy.
 *
 * @module
 */

import type {
  Msg,
  NatsConnection,
  Subscription,
} from "@nats-io/transport-node";

/** Something that receives core messages of the subjects it holds. */
export interface InterestHolder {
  onCore(natsSubject: string, msg: Msg): void;
}

/** The per-process interest table. */
export interface Interest {
  add(natsSubject: string, holder: InterestHolder): void;
  remove(natsSubject: string, holder: InterestHolder): void;
  /** Distinct NATS subscriptions. */
  readonly size: number;
  close(): void;
}

/** Create the table over `nc`. */
export function createInterest(nc: NatsConnection): Interest {
  const table = new Map<
    string,
    { sub: Subscription; holders: Set<InterestHolder> }
  >();
  return {
    add(natsSubject, holder) {
      const found = table.get(natsSubject);
      if (found) {
        found.holders.add(holder);
        return;
      }
      const holders = new Set<InterestHolder>([holder]);
      const sub = nc.subscribe(natsSubject, {
        callback: (_error, msg) => {
          for (const h of holders) h.onCore(natsSubject, msg);
        },
      });
      table.set(natsSubject, { sub, holders });
    },
    remove(natsSubject, holder) {
      const found = table.get(natsSubject);
      if (!found || !found.holders.delete(holder)) return;
      if (found.holders.size === 0) {
        found.sub.unsubscribe();
        table.delete(natsSubject);
      }
    },
    get size() {
      return table.size;
    },
    close() {
      for (const { sub } of table.values()) sub.unsubscribe();
      table.clear();
    },
  };
}
