/**
 * `createJetStreamBackend`: the Backend contract on one shared NATS
 * connection, with nats-server's MQTT layout (nats-mqtt-reference.md).
 *
 * @module
 */

import { type NatsConnection, nuid } from "@nats-io/transport-node";
import {
  type Logger,
  type Metrics,
  nullLogger,
  nullMetrics,
} from "../../observability/types.ts";
import { createTrie, natsHash, topicToSubject } from "../../topic/mod.ts";
import type {
  Backend,
  Message,
  OpenSessionOptions,
  Session,
  SubscriptionOptions,
} from "../types.ts";
import { createApi, purgeSubject, subjectsOf } from "./_api.ts";
import { createHeaderCache, createHeaderMemo } from "./_codec.ts";
import { type Context, createJsPublish } from "./_context.ts";
import { unbind } from "./_consumers.ts";
import { createHandle, type HandleDeps } from "./_handle.ts";
import { createInterest } from "./_interest.ts";
import { clientToken, namesFor } from "./_names.ts";
import { loadRecord, sessionExpired, writeRecord } from "./_record.ts";
import { createRequester } from "./_requester.ts";
import { createRetained } from "./_retained.ts";
import { createRetainedQuota } from "../retained_quota.ts";
import { createSessionQuota } from "../session_quota.ts";
import {
  createSessionState,
  type SessionDeps,
  type SessionState,
} from "./_session.ts";
import { createSharedRegistry } from "./_shared.ts";
import { ensureStreams } from "./_streams.ts";
import { createSweeper } from "./_sweeper.ts";
import { watchTakeovers } from "./_takeover.ts";

/** Options of `createJetStreamBackend`. */
export interface JetStreamBackendOptions {
  /** The process's one NATS connection, already open (never closed here). */
  nc: NatsConnection;
  logger?: Logger;
  metrics?: Metrics;
  /** Stream/subject prefix (default `$MQTT`, as nats-server); no dots. */
  prefix?: string;
  /** Injected clock (ms since epoch). */
  now?: () => number;
  /** Name of this instance; its hash is the node id (default random). */
  name?: string;
  /** Consumer ack wait, ms (default 30 000). */
  ackWait?: number;
  /** Consumer max ack pending (default 1024). */
  maxAckPending?: number;
  /** JetStream publishes awaiting their ack at once (default 4096). */
  publishWindow?: number;
  /** JetStream API / publish timeout, ms (default 5000). */
  apiTimeout?: number;
  /** Stream replicas when creating streams (default 1). */
  replicas?: number;
  /** How often expired sessions are looked for, ms (default 60 000). */
  sweepInterval?: number;
  /**
   * Per offline session bound on messages queued through this instance
   * (default 100 000); beyond it new messages are dropped and counted.
   */
  maxQueuedMessages?: number;
  /** Same, in payload bytes (default 64 MiB). */
  maxQueuedBytes?: number;
  /**
   * Retained topics kept (`limits.maxRetained`; 0/absent = no bound),
   * counted in this instance's index of the shared retained stream:
   * approximate while other instances write at the same moment.
   */
  maxRetained?: number;
  /** Retained payload bytes kept, counted the same way (0 = no bound). */
  maxRetainedBytes?: number;
  /**
   * Persistent sessions (`limits.maxSessions`; 0 = no bound), counted among
   * the sessions this instance holds in memory: approximate, per instance.
   */
  maxSessions?: number;
}

/** Longest NATS subject we publish: under nats-server's 4 KiB control line. */
const MAX_SUBJECT = 3800;
const FLAP_MS = 1000;
/** How long publish() waits for local subscribers to see a stored message. */
const LOCAL_WAIT_MS = 250;

/**
 * Create the JetStream backend over `options.nc`: ensures the streams,
 * loads the retained index, starts watching other instances' session
 * writes. Requires JetStream (nats-server ≥ 2.9).
 */
export async function createJetStreamBackend(
  options: JetStreamBackendOptions,
): Promise<Backend> {
  const { nc } = options;
  const prefix = options.prefix ?? "$MQTT";
  // `$` first: reserved subscriptions (`#`, `+/…`) never see our traffic.
  if (!/^\$[A-Za-z0-9_-]+$/.test(prefix)) {
    throw new RangeError(`Cannot use NATS prefix "${prefix}"`);
  }
  const now = options.now ?? Date.now;
  const names = namesFor(prefix);
  const node = natsHash(options.name ?? `jetmq-${nuid.next()}`);
  const requester = createRequester({
    nc,
    replyPrefix: `${names.jsa}${node}.`,
    timeout: options.apiTimeout ?? 5000,
    now,
  });
  const api = createApi(requester);
  const ctx: Context = {
    nc,
    api,
    requester,
    names,
    node,
    logger: options.logger ?? nullLogger,
    metrics: options.metrics ?? nullMetrics,
    now,
    ackWaitNs: (options.ackWait ?? 30_000) * 1e6,
    maxAckPending: options.maxAckPending ?? 1024,
    jsPublish: createJsPublish(requester, options.publishWindow ?? 4096),
    nuid: () => nuid.next(),
    headerMemo: createHeaderMemo(),
  };
  try {
    await ensureStreams(api, names, options.replicas ?? 1);
  } catch (error) {
    requester.close();
    throw error;
  }
  const interest = createInterest(nc);
  const retained = await createRetained(
    ctx,
    createRetainedQuota({
      ...options,
      logger: ctx.logger,
      metrics: ctx.metrics,
    }),
  );
  const sessionQuota = createSessionQuota({
    ...options,
    logger: ctx.logger,
    metrics: ctx.metrics,
  });
  const sessions = new Map<string, SessionState>();
  const flappers = new Map<string, number>();
  const locks = new Map<string, Promise<unknown>>();
  const maxQueued = options.maxQueuedMessages ?? 100_000;
  const maxBytes = options.maxQueuedBytes ?? 64 * 1024 * 1024;
  let dropped = 0;
  const headerCache = createHeaderCache();
  /** QoS ≥ 1 non-shared filters of the sessions in memory. */
  const index = createTrie<SessionState, SubscriptionOptions>();
  const shared = createSharedRegistry(ctx);
  const sessionDeps: SessionDeps = {
    interest,
    shared,
    index(state, filter, opts) {
      if (opts) index.add(filter, state, opts);
      else index.remove(filter, state);
    },
  };

  /**
   * After a QoS ≥ 1 store: count the copy queued for each session held here
   * offline (dropping it beyond the bounds, issue #3), and wait briefly until
   * attached local sessions received it, so a local subscriber sees messages
   * in publish order whatever their QoS.
   */
  const afterStore = async (message: Message, seq: number) => {
    const targets = new Set<SessionState>();
    index.match(message.topic, (state, opts) => {
      if (!(opts.noLocal && message.origin === state.clientId)) {
        targets.add(state);
      }
    });
    const waits: Promise<void>[] = [];
    for (const state of targets) {
      if (state.attachment) {
        const seen = state.seen(seq);
        if (seen) waits.push(seen);
        continue;
      }
      const q = state.offline;
      const size = message.payload.length;
      if (q.count + 1 > maxQueued || q.bytes + size > maxBytes) {
        q.skip.add(seq);
        dropped++;
        ctx.metrics.inc("jetmq_queue_dropped_total");
        ctx.logger.warn("offline queue full, message dropped", {
          clientId: state.clientId,
          topic: message.topic,
        });
        continue;
      }
      q.count++;
      q.bytes += size;
    }
    if (waits.length === 0) return;
    let timer: ReturnType<typeof setTimeout> | undefined;
    await Promise.race([
      Promise.all(waits),
      new Promise((r) => (timer = setTimeout(r, LOCAL_WAIT_MS))),
    ]);
    clearTimeout(timer);
  };

  const forget = (state: SessionState) => {
    if (sessions.get(state.clientId) === state) sessions.delete(state.clientId);
    for (const [filter, fs] of state.filters) {
      if (fs.shared) shared.leave(filter, state);
      else index.remove(filter, state);
    }
  };
  const remove = async (state: SessionState) => {
    state.unattach();
    forget(state);
    await state.clear();
    await Promise.all([
      purgeSubject(api, names.sessStream, names.sess + state.hash),
      purgeSubject(
        api,
        names.qos2Stream,
        `${names.qos2in}${clientToken(state.clientId)}.>`,
      ),
    ]);
  };

  const publish = async (message: Message): Promise<void> => {
    const subject = topicToSubject(message.topic);
    if (
      subject === undefined || subject.length > MAX_SUBJECT ||
      /(^|\.)[*>](\.|$)/.test(subject)
    ) {
      // Never publish a wildcard token or a subject that would make the
      // server drop the shared connection (reference §1.6).
      dropped++;
      ctx.metrics.inc("jetmq_nats_unroutable_total");
      ctx.logger.warn("message not routable on NATS, dropped", {
        topic: message.topic.slice(0, 200),
      });
      return;
    }
    if (message.retain) await retained.store(message, subject);
    const h = headerCache.get(message, message.qos);
    // A v5 Response Topic is the NATS reply subject: `msg.respond()` of a
    // NATS service reaches the MQTT requester (issue #5 item 12).
    const responseTopic = message.properties?.responseTopic;
    const reply = responseTopic === undefined
      ? undefined
      : topicToSubject(responseTopic);
    nc.publish(subject, message.payload, { headers: h, reply });
    if (message.qos > 0) {
      const ack = await ctx.jsPublish(names.msgs + subject, message.payload, h);
      await afterStore(message, ack.seq);
    }
  };

  const deps: HandleDeps = { ctx, publish, remove };

  /** Drop a state whose open failed: nothing of it stays bound or indexed. */
  const abandon = (state: SessionState) => {
    state.unattach();
    for (const ref of state.cons.values()) unbind(ref);
    if (state.pubrel) unbind(state.pubrel);
    forget(state);
  };

  /**
   * The session `opts` opens: held in memory, restored from its record or
   * new; cleared when the CONNECT or its expiry says so. On failure nothing
   * of it is left in memory (a later open starts from the record again).
   */
  const prepare = async (
    opts: OpenSessionOptions,
    held: SessionState | undefined,
  ): Promise<{ state: SessionState; existed: boolean }> => {
    const { clientId } = opts;
    let state = held;
    let existed = held !== undefined;
    try {
      if (!state) {
        const hash = natsHash(clientId);
        const loaded = await loadRecord(ctx, hash);
        if (loaded && loaded.record.id !== clientId) {
          throw new Error(
            `Cannot open session ${clientId}: its hash is used by another client`,
          );
        }
        state = createSessionState(ctx, sessionDeps, clientId, hash);
        if (loaded) {
          // Claim it before touching its consumers: an instance holding it
          // sees this write and lets go (§3.4); a concurrent write fails it.
          const { record } = loaded;
          const seq = await writeRecord(ctx, hash, {
            ...record,
            origin: node,
          }, loaded.seq);
          const j = record.jetmq;
          const stale = opts.clean || record.clean === true ||
            (j !== undefined && sessionExpired(j.detachedAt, j.expiry, now()));
          // A session about to be cleared needs no repaired consumers.
          await state.restore(record, seq, !stale);
        }
        existed = loaded !== undefined;
        sessions.set(clientId, state);
      }
      const expired = sessionExpired(state.detachedAt, state.expiry, now());
      if (existed && (opts.clean || state.clean || expired)) {
        await state.clear();
        state.staged = new Map();
        await purgeSubject(
          api,
          names.qos2Stream,
          `${names.qos2in}${clientToken(clientId)}.>`,
        );
        existed = false;
      }
      if (!state.staged) {
        // Inbound QoS 2 ids awaiting PUBREL, so duplicates are known locally.
        const prefix = `${names.qos2in}${clientToken(clientId)}.`;
        const subjects = await subjectsOf(api, names.qos2Stream, `${prefix}>`);
        state.staged = new Map(
          subjects.map((s) => [Number(s.slice(prefix.length)), 0]),
        );
      }
      return { state, existed };
    } catch (error) {
      if (state) abandon(state);
      throw error;
    }
  };

  const open = async (opts: OpenSessionOptions): Promise<Session> => {
    const { clientId } = opts;
    const jailed = flappers.get(clientId);
    if (jailed !== undefined && now() - jailed < FLAP_MS) {
      // Flapper jail (reference §3.2 step 3): two clients fight over one id.
      await new Promise((r) => setTimeout(r, FLAP_MS));
      throw new Error(`Cannot open session ${clientId}: taken over just now`);
    }
    flappers.delete(clientId);
    const held = sessions.get(clientId);
    if (held?.attachment) {
      const previous = held.attachment.options;
      held.unattach();
      previous.onTakeover();
    }
    const { state, existed } = await prepare(opts, held);
    state.clean = opts.clean;
    state.expiry = opts.expiry;
    state.detachedAt = undefined;
    state.attach(opts);
    try {
      await state.save();
    } catch (error) {
      state.unattach();
      forget(state);
      throw error;
    }
    return createHandle(deps, state, opts, existed && !opts.clean);
  };

  /**
   * `limits.maxSessions`: refuses a new persistent session when this
   * instance holds as many; one held here or stored (a record exists) is
   * resumed, never refused. Sessions held only by other instances are not
   * counted, so the bound is per instance and approximate.
   */
  const admit = async (opts: OpenSessionOptions): Promise<void> => {
    if (opts.expiry === 0 || !sessionQuota.full(sessions.size)) return;
    const held = sessions.get(opts.clientId);
    if (held !== undefined && held.expiry > 0) return;
    let persistent = 0;
    for (const state of sessions.values()) if (state.expiry > 0) persistent++;
    if (!sessionQuota.full(persistent)) return;
    const stored = await loadRecord(ctx, natsHash(opts.clientId));
    if (stored?.record.id === opts.clientId) return;
    throw sessionQuota.refuse(opts.clientId);
  };

  const unwatch = watchTakeovers(ctx, (hash, seq) => {
    for (const state of sessions.values()) {
      if (state.hash !== hash || seq < state.seq) continue;
      const attachment = state.attachment;
      state.unattach();
      forget(state);
      if (attachment) {
        flappers.set(state.clientId, now());
        ctx.metrics.inc("jetmq_takeovers_total");
        attachment.options.onTakeover();
      }
    }
  });
  const sweeper = createSweeper(ctx, {
    interval: options.sweepInterval ?? 60_000,
    held: (clientId) => sessions.get(clientId)?.attachment !== undefined,
    tick: () => retained.cleanup(10_000),
    removed(clientId) {
      const state = sessions.get(clientId);
      if (!state || state.attachment) return;
      forget(state);
      // Its shared copies go to another member now, not after ack wait.
      state.handBack();
    },
  });
  const statusIter = nc.status()[Symbol.asyncIterator]();
  void (async () => {
    for (;;) {
      const { done, value: s } = await statusIter.next();
      if (done) return;
      if (s.type === "reconnect") {
        // The server may have come back with an empty store: re-ensure our
        // streams, then replay the retained index.
        await ensureStreams(api, names, options.replicas ?? 1)
          .then(() => retained.resync())
          .catch((error) =>
            ctx.logger.warn("resync after reconnect failed", {
              error: String(error),
            })
          );
      }
    }
  })();

  return {
    name: "jetstream",
    publish,
    openSession(opts) {
      // One CONNECT at a time per client id (reference §3.2 step 4).
      const previous = locks.get(opts.clientId) ?? Promise.resolve();
      // The previous open's failure belongs to its own caller; this one
      // only waits for it to settle. `tail` keeps the lock chain unrejected.
      const run = previous.catch(() => {}).then(() => admit(opts)).then(() =>
        open(opts)
      );
      const tail = run.catch(() => {});
      locks.set(opts.clientId, tail);
      void tail.then(() => {
        if (locks.get(opts.clientId) === tail) locks.delete(opts.clientId);
      });
      return run;
    },
    retained: (filter) => retained.lookup(filter),
    stats() {
      let queued = 0;
      for (const state of sessions.values()) queued += state.queued();
      return {
        sessions: sessions.size,
        retained: retained.size,
        queued,
        dropped,
      };
    },
    async close() {
      sweeper.stop();
      unwatch();
      for (const state of sessions.values()) state.unattach();
      sessions.clear();
      shared.close();
      await nc.flush().catch(() => {}); // Closed or reconnecting: nothing to flush.
      await retained.close();
      interest.close();
      requester.close();
      void statusIter.return?.();
    },
  };
}
