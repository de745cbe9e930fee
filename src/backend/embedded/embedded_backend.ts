/**
 * `createEmbeddedBackend`: in-process routing over the subscription trie,
 * state in SQLite (`<dir>/jetmq.db`) through `node:sqlite`.
 *
 * @module
 */

import { clearInterval, setInterval } from "node:timers";
import type { Logger, Metrics } from "../../observability/types.ts";
import { createTrie, isShared, matches } from "../../topic/mod.ts";
import { fanOut, type MatchedSubscription, pickOnline } from "../fanout.ts";
import type {
  Backend,
  BackendStats,
  Message,
  OpenSessionOptions,
  Session,
} from "../types.ts";
import { toRow } from "./_codec.ts";
import { restore } from "./_restore.ts";
import { createSessionHandle } from "./_session.ts";
import {
  type Attachment,
  type Context,
  isExpired,
  newSession,
  sessionRow,
  type SessionState,
  type StoredMessage,
  storedOf,
} from "./_state.ts";
import { commitBatch, deliverQoS0, queueCopy } from "./_queue.ts";
import { drop, persist, unpersist, writeBatch } from "./_persist.ts";
import { reshare } from "./_reshare.ts";
import { createRetainedQuota } from "../retained_quota.ts";
import { createSessionQuota } from "../session_quota.ts";
import { openStore } from "./_store.ts";

/** Options of `createEmbeddedBackend`. */
export interface EmbeddedBackendOptions {
  /** Data directory; the database is `<dir>/jetmq.db`. */
  dir: string;
  logger: Logger;
  metrics: Metrics;
  /** Injected clock (ms since epoch). */
  now?: () => number;
  /** Queued QoS ≥ 1 messages per session before new ones are dropped. */
  maxQueuedMessages?: number;
  /** Queued payload + topic bytes per session before new ones are dropped. */
  maxQueuedBytes?: number;
  /** Retained topics kept (`limits.maxRetained`; 0/absent = no bound). */
  maxRetained?: number;
  /** Retained payload bytes kept (`limits.maxRetainedBytes`; 0 = no bound). */
  maxRetainedBytes?: number;
  /** Persistent sessions stored (`limits.maxSessions`; 0 = no bound). */
  maxSessions?: number;
  /** Keep everything in an in-memory database (tests). */
  memory?: boolean;
  /** How often expired sessions are swept, in ms (default 1000). */
  sweepIntervalMs?: number;
}

const RESOLVED = Promise.resolve();
/** `publish()`'s answer when no session got a copy (v5 0x10). */
const NO_MATCH: Promise<number> = Promise.resolve(0);

/**
 * Opens (or creates) the embedded backend in `options.dir`, restoring every
 * stored session, queued message and retained message; sessions whose
 * expiry passed while the process was down are removed.
 *
 * @example
 * ```ts
 * import { createEmbeddedBackend } from "./mod.ts";
 * import { nullLogger, nullMetrics } from "../../observability/types.ts";
 * const backend = await createEmbeddedBackend({
 *   dir: "unused",
 *   memory: true,
 *   logger: nullLogger,
 *   metrics: nullMetrics,
 * });
 * await backend.publish({
 *   topic: "greeting",
 *   payload: new TextEncoder().encode("hi"),
 *   qos: 1,
 *   retain: true,
 * });
 * (await backend.retained("#")).length; // 1
 * await backend.close();
 * ```
 */
export async function createEmbeddedBackend(
  options: EmbeddedBackendOptions,
): Promise<Backend> {
  await Promise.resolve();
  const now = options.now ?? Date.now;
  const sessions = new Map<string, SessionState>();
  const retained = new Map<string, Message>();
  const shares = new Map<string, { members: number; next: number }>();
  const ctx: Context = {
    closed: false,
    store: openStore({
      dir: options.dir,
      memory: options.memory,
      logger: options.logger,
      beforeCommit: () => writeBatch(ctx),
      afterCommit: () => commitBatch(ctx),
    }),
    logger: options.logger,
    metrics: options.metrics,
    now,
    maxQueuedMessages: options.maxQueuedMessages ?? 10_000,
    maxQueuedBytes: options.maxQueuedBytes ?? 64 * 1024 * 1024,
    sessions,
    trie: createTrie<MatchedSubscription, MatchedSubscription>(),
    unwritten: [],
    unwrittenIn: [],
    toPump: new Set(),
    dirty: new Set(),
    counters: { queued: 0, dropped: 0, nextMessageId: 1, durable: 0 },
    publish,
    unshare(key) {
      const share = shares.get(key);
      if (share !== undefined && --share.members <= 0) shares.delete(key);
    },
    reshare: (orphans, from) => reshare(ctx, orphans, from, pick),
  };
  const { store } = ctx;
  restore(ctx, store.load(now()), retained, (key) => share(key).members++);
  const quota = createRetainedQuota({ ...options, now });
  for (const m of retained.values()) quota.update(undefined, m.payload.length);
  const sessionQuota = createSessionQuota({ ...options, now });
  const sweeper = setInterval(sweep, options.sweepIntervalMs ?? 1000);
  sweeper.unref();

  function share(key: string): { members: number; next: number } {
    let s = shares.get(key);
    if (s === undefined) shares.set(key, s = { members: 0, next: 0 });
    return s;
  }

  function pick(key: string, members: readonly string[]): number {
    const s = share(key);
    const index = pickOnline(
      members,
      s.next,
      (id) => sessions.get(id)?.attached !== undefined,
    );
    s.next = (index + 1) % members.length;
    return index;
  }

  function sweep(): void {
    const t = now();
    for (const s of sessions.values()) if (isExpired(s, t)) drop(ctx, s);
  }

  const matched: MatchedSubscription[] = [];
  const collect = (sub: MatchedSubscription): void => {
    matched.push(sub);
  };

  /** Sessions that got a copy from the last `route()`. */
  let reached = 0;

  /** Routes `message`; returns whether a durable copy was written. */
  function route(message: Message, t: number): boolean {
    reached = 0;
    matched.length = 0;
    ctx.trie.match(message.topic, collect);
    if (matched.length === 0) return false;
    const copies = fanOut(message, matched, pick);
    let stored: StoredMessage | undefined;
    let wrote = false;
    for (const copy of copies) {
      const s = sessions.get(copy.clientId);
      if (s === undefined) continue;
      if (isExpired(s, t)) {
        drop(ctx, s);
        continue;
      }
      reached++;
      if (copy.qos === 0) {
        deliverQoS0(ctx, s, message, copy.retain, copy.subscriptionIds);
        continue;
      }
      stored ??= storedOf(message);
      const { qos, retain, subscriptionIds } = copy;
      if (
        queueCopy(ctx, s, stored, qos, retain, subscriptionIds, copy.shared)
      ) {
        wrote ||= s.durable;
      }
    }
    return wrote;
  }

  /** Forgets the retained copy of `topic`; returns whether there was one. */
  function unretain(topic: string): boolean {
    const old = retained.get(topic);
    if (old === undefined) return false;
    retained.delete(topic);
    quota.update(old.payload.length, undefined);
    store.deleteRetained(topic);
    return true;
  }

  /** Stores or deletes the retained copy; returns whether it wrote. */
  function keepRetained(message: Message): boolean {
    if (message.payload.length === 0) return unretain(message.topic);
    const old = retained.get(message.topic)?.payload.length;
    quota.update(old, message.payload.length);
    retained.set(message.topic, { ...message, retain: true });
    store.putRetained(toRow(message));
    return true;
  }

  function publish(message: Message): Promise<number | void> {
    if (ctx.closed) {
      return Promise.reject(new Error("Cannot publish: backend closed"));
    }
    const t = now();
    if (message.expiresAt !== undefined && message.expiresAt <= t) {
      options.metrics.inc("jetmq_messages_expired_total");
      return RESOLVED;
    }
    if (message.retain) {
      try {
        // Before anything is routed: a refusal refuses the whole PUBLISH.
        quota.check(message, retained.get(message.topic)?.payload.length);
      } catch (err) {
        return Promise.reject(err);
      }
    }
    let wrote = message.retain && keepRetained(message);
    if (route(message, t)) wrote = true;
    if (reached > 0) return wrote ? store.committed() : RESOLVED;
    return wrote ? store.committed().then(() => 0) : NO_MATCH;
  }

  function openSession(o: OpenSessionOptions): Promise<Session> {
    if (ctx.closed) {
      return Promise.reject(new Error("Cannot open session: backend closed"));
    }
    let s = sessions.get(o.clientId);
    // A new persistent session beyond `maxSessions`; a durable one resumed
    // or replaced (clean, expired) leaves the count as it is.
    if (
      o.expiry > 0 && !s?.durable && sessionQuota.full(ctx.counters.durable)
    ) {
      return Promise.reject(sessionQuota.refuse(o.clientId));
    }
    const previous = s?.attached;
    if (s !== undefined && previous !== undefined) s.attached = undefined;
    if (s !== undefined && (o.clean || isExpired(s, now()))) {
      drop(ctx, s);
      s = undefined;
    }
    const present = s !== undefined;
    if (s === undefined) {
      s = newSession(o.clientId);
      sessions.set(o.clientId, s);
    }
    s.expiry = o.expiry;
    s.expiresAt = undefined;
    if (o.expiry > 0 && !s.durable) persist(ctx, s);
    else if (o.expiry === 0 && s.durable) unpersist(ctx, s);
    else if (s.durable) store.putSession(sessionRow(s));
    const a: Attachment = {
      sink: o.sink,
      window: Math.max(1, Math.min(o.window, 65535)),
      resumed: false,
      held: [],
      onTakeover: o.onTakeover,
    };
    s.attached = a;
    const handle = createSessionHandle(ctx, s, a, present);
    // [MQTT-3.1.4-3]: the previous connection's handle is inert now.
    previous?.onTakeover();
    return store.committed().then(() => handle);
  }

  function lookup(filter: string): Promise<Message[]> {
    if (ctx.closed) {
      return Promise.reject(
        new Error("Cannot look up retained: backend closed"),
      );
    }
    if (isShared(filter)) return Promise.resolve([]);
    const t = now();
    const out: Message[] = [];
    for (const [topic, message] of retained) {
      if (!matches(filter, topic)) continue;
      if (message.expiresAt !== undefined && message.expiresAt <= t) {
        unretain(topic);
        continue;
      }
      out.push(message);
    }
    return Promise.resolve(out);
  }

  const backend: Backend = {
    name: "embedded",
    publish,
    openSession,
    retained: lookup,
    stats(): BackendStats {
      return {
        sessions: sessions.size,
        retained: retained.size,
        queued: ctx.counters.queued,
        dropped: ctx.counters.dropped,
      };
    },
    close() {
      if (ctx.closed) return RESOLVED;
      ctx.closed = true;
      clearInterval(sweeper);
      store.close();
      return RESOLVED;
    },
  };
  return backend;
}
