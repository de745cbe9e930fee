/**
 * The `Session` handle of the embedded backend: one connection's view of a
 * `SessionState`. Once the session is taken over or detached the handle is
 * inert: every method resolves without effect.
 *
 * @module
 */

import type { QoS } from "../../codec/types.ts";
import { parseShared } from "../../topic/mod.ts";
import type { MatchedSubscription } from "../fanout.ts";
import type {
  Message,
  Session,
  SubscriptionEntry,
  SubscriptionOptions,
} from "../types.ts";
import { encodeOptions } from "./_codec.ts";
import {
  type Attachment,
  type Context,
  removeSubscription,
  sessionRow,
  type SessionState,
  storedOf,
} from "./_state.ts";
import { ack, deliverQoS0, queueCopy, received, resume } from "./_queue.ts";
import { drop, persist } from "./_persist.ts";

/** Largest finite session expiry; this value itself means "never". */
const NEVER = 0xFFFFFFFF;

function optionsOf(e: SubscriptionEntry): SubscriptionOptions {
  const o: SubscriptionOptions = {
    qos: e.qos,
    noLocal: e.noLocal,
    retainAsPublished: e.retainAsPublished,
    retainHandling: e.retainHandling,
  };
  if (e.subscriptionId !== undefined) o.subscriptionId = e.subscriptionId;
  return o;
}

/** Adds or replaces one subscription; returns whether it existed. */
export function addSubscription(
  ctx: Context,
  s: SessionState,
  filter: string,
  options: SubscriptionOptions,
): boolean {
  const old = s.subs.get(filter);
  if (old !== undefined) {
    old.options = options;
    return true;
  }
  const shared = parseShared(filter);
  const sub: MatchedSubscription = { clientId: s.clientId, filter, options };
  if (shared !== undefined) sub.group = shared.group;
  ctx.trie.add(shared?.filter ?? filter, sub, sub);
  s.subs.set(filter, sub);
  return false;
}

/** Creates the handle of `s` for attachment `a`. */
export function createSessionHandle(
  ctx: Context,
  s: SessionState,
  a: Attachment,
  present: boolean,
): Session {
  const live = (): boolean =>
    !ctx.closed && s.attached === a && ctx.sessions.get(s.clientId) === s;
  const { store } = ctx;
  const durableCommit = (): Promise<void> =>
    s.durable ? store.committed() : Promise.resolve();

  return {
    clientId: s.clientId,
    present,
    get subscriptions(): ReadonlyMap<string, SubscriptionOptions> {
      const map = new Map<string, SubscriptionOptions>();
      for (const [filter, sub] of s.subs) map.set(filter, sub.options);
      return map;
    },
    resume() {
      if (live()) resume(ctx, s);
    },
    async subscribe(entries: SubscriptionEntry[]) {
      if (!live()) return entries.map(() => false);
      // An invalid filter (the router validates first) rejects: TypeError.
      const existed = entries.map((e) => {
        const options = optionsOf(e);
        const had = addSubscription(ctx, s, e.filter, options);
        if (s.durable) {
          store.putSubscription(s.clientId, e.filter, encodeOptions(options));
        }
        return had;
      });
      await durableCommit();
      return existed;
    },
    unsubscribe(filters: string[]) {
      if (!live()) return Promise.resolve(filters.map(() => false));
      const existed = filters.map((filter) => {
        const sub = s.subs.get(filter);
        if (sub === undefined) return false;
        removeSubscription(ctx, sub);
        s.subs.delete(filter);
        if (s.durable) store.deleteSubscription(s.clientId, filter);
        return true;
      });
      return durableCommit().then(() => existed);
    },
    enqueue(
      message: Message,
      options: { qos: QoS; retain: boolean; subscriptionIds?: number[] },
    ) {
      if (!live()) return Promise.resolve();
      const { qos, retain, subscriptionIds } = options;
      if (message.expiresAt !== undefined && message.expiresAt <= ctx.now()) {
        return Promise.resolve();
      }
      if (qos === 0) {
        deliverQoS0(ctx, s, message, retain, subscriptionIds);
      } else {
        queueCopy(ctx, s, storedOf(message), qos, retain, subscriptionIds);
      }
      // The source (retained store) is durable already, and a queued copy is
      // delivered only after it committed: no need to wait here.
      return Promise.resolve();
    },
    ack(packetId: number) {
      if (!live()) return Promise.resolve();
      ack(ctx, s, packetId);
      return durableCommit();
    },
    received(packetId: number) {
      if (!live()) return Promise.resolve();
      received(ctx, s, packetId);
      return durableCommit();
    },
    async receiveQoS2(packetId: number, message: Message) {
      if (!live() || s.qos2in.has(packetId)) return false;
      s.qos2in.add(packetId);
      if (s.durable) store.putQoS2(s.clientId, packetId);
      let reached;
      try {
        reached = await ctx.publish(message);
      } catch (err) {
        // Refused (e.g. a retained quota): the exchange ends with the PUBREC.
        if (s.qos2in.delete(packetId) && s.durable) {
          store.deleteQoS2(s.clientId, packetId);
        }
        throw err;
      }
      await durableCommit();
      return reached === 0 ? 0 : true;
    },
    releaseQoS2(packetId: number) {
      if (!live() || !s.qos2in.delete(packetId)) return Promise.resolve(false);
      if (s.durable) store.deleteQoS2(s.clientId, packetId);
      return durableCommit().then(() => true);
    },
    detach(expiry: number) {
      if (!live()) return Promise.resolve();
      s.attached = undefined;
      if (expiry === 0) {
        const wasDurable = s.durable;
        drop(ctx, s);
        return wasDurable ? store.committed() : Promise.resolve();
      }
      s.expiry = expiry;
      s.expiresAt = expiry >= NEVER ? undefined : ctx.now() + expiry * 1000;
      if (s.durable) store.putSession(sessionRow(s));
      else persist(ctx, s);
      return store.committed();
    },
  };
}
