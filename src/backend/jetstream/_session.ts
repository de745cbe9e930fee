/**
 * One session's state on JetStream: its filters (core interest), its
 * consumers, the deliveries in flight keyed by stream sequence (one copy per
 * session even when several consumers deliver the same message), packet
 * ids derived from stream sequences (so a restart reuses them), the window,
 * and the record. Survives detach in memory, as in nats-server (§3.5).
 *
 * @module
 */

import type { Msg } from "@nats-io/transport-node";
import type { QoS } from "../../codec/types.ts";
import { isReservedSubscription, subjectToTopic } from "../../topic/mod.ts";
import { fanOut, type MatchedSubscription } from "../fanout.ts";
import type {
  Delivery,
  Message,
  OpenSessionOptions,
  SubscriptionOptions,
} from "../types.ts";
import { headerView, messageFrom, parseAck } from "./_codec.ts";
import * as consumers from "./_consumers.ts";
import type { ConsumerRef } from "./_consumers.ts";
import type { Context } from "./_context.ts";
import type { Interest, InterestHolder } from "./_interest.ts";
import { natsMatch } from "./_nats_match.ts";
import { HDR_PUBREL, HDR_SEQ } from "./_names.ts";
import { createAckFloor } from "./_ack_floor.ts";
import { coalesce } from "./_coalesce.ts";
import { type SessionRecord, writeRecord } from "./_record.ts";
import {
  addFilter,
  enqueue,
  handBack,
  publishDelivery,
  qos0Delivery,
  received,
  removeFilter,
  restore,
  sharedStored,
  toRecord,
} from "./_session_setup.ts";
import type { SharedMember, SharedRegistry } from "./_shared.ts";

/** One message owed to the session, from first sight to acknowledgement. */
export interface Entry {
  /**
   * Stream sequence; 0 for `enqueue`d (retained-on-subscribe) messages. For
   * a PUBREL, the sequence of the message it releases.
   */
  sseq: number;
  /** Key in the dedupe map: the sequence, or `<share key>|<seq>`. */
  key?: number | string;
  message: Message;
  qos: QoS;
  retain: boolean;
  subscriptionIds?: number[];
  /** Consumer name → ack reply subject, for every consumer that sent it. */
  acks: Map<string, string>;
  packetId: number;
  state: "waiting" | "inflight" | "pubrel" | "done";
  dup: boolean;
  pubrelAck?: string;
}

/** The attached connection. */
export interface Attachment {
  options: OpenSessionOptions;
  resumed: boolean;
  early: Delivery[];
}

/** A subscription as kept in memory. */
export interface FilterState {
  options: SubscriptionOptions;
  /** NATS subjects of the filter (two for `x/#`). */
  halves: string[];
  /** A `$share/…` filter: served by the shared registry. */
  shared?: boolean;
}

const EMPTY = new Uint8Array(0);
const DONE: Message = { topic: "", payload: EMPTY, qos: 0, retain: false };
const MAX_DONE = 4096;
const MAX_EARLY = 1024;
const SEEN_BACKLOG = 256;

/** What a session needs from its backend besides the context. */
export interface SessionDeps {
  interest: Interest;
  shared: SharedRegistry;
  /** Index (options) or unindex (undefined) a QoS ≥ 1 non-shared filter. */
  index(
    state: SessionState,
    filter: string,
    options?: SubscriptionOptions,
  ): void;
}

/** Internals `_session_setup.ts` works on. */
export interface SessionCore {
  ctx: Context;
  deps: SessionDeps;
  readonly state: SessionState;
  bySeq: Map<number | string, Entry>;
  waiting: Entry[];
  /** Redeliveries received while restoring, sorted in by `prefetch`. */
  prefetched: Entry[];
  /** Bound by a restore: prefetching, then keeping deliveries for attach. */
  restoring: false | "prefetch" | "attach";
  ackNow(reply: string | undefined): void;
  expired(message: Message): boolean;
  holdSubject(subject: string): void;
  releaseSubject(subject: string): void;
  dropConsumer(sid: string): Promise<void>;
  onConsumerMsg(ref: ConsumerRef, msg: Msg): void;
}

/** The state object; `_handle.ts` wraps it for the router. */
export interface SessionState extends InterestHolder, SharedMember {
  readonly clientId: string;
  readonly hash: string;
  seq: number;
  clean: boolean;
  expiry: number;
  detachedAt?: number;
  readonly filters: Map<string, FilterState>;
  readonly cons: Map<string, ConsumerRef>;
  pubrel?: ConsumerRef;
  readonly byPid: Map<number, Entry>;
  attachment?: Attachment;
  attach(options: OpenSessionOptions): void;
  /** Stop deliveries to the connection (detach, takeover). */
  unattach(): void;
  resume(): void;
  pump(): void;
  /** Deliver to the connection (or hold until `resume`). */
  emit(deliveries: Delivery[]): void;
  ackEntry(entry: Entry): void;
  /** Forget the entry (acked), keep its sequence to drop late copies. */
  finish(entry: Entry): void;
  addFilter(filter: string, options: SubscriptionOptions): Promise<boolean>;
  removeFilter(filter: string): Promise<boolean>;
  ensurePubrel(): Promise<void>;
  /** Rebuild from the record; `repair` (default) makes consumers usable. */
  restore(record: SessionRecord, seq: number, repair?: boolean): Promise<void>;
  /** Delete consumers and in-flight state. */
  clear(): Promise<void>;
  /** The session ended elsewhere (sweeper): see `handBack`. */
  handBack(): void;
  toRecord(): SessionRecord;
  save(): Promise<void>;
  queued(): number;
  allocPacketId(sseq: number): number;
  /** Resolves once a delivery of stream sequence `seq` was processed. */
  seen(seq: number): Promise<void> | undefined;
  /**
   * Inbound QoS 2 packet id → stream sequence (0: not known) staged and not
   * yet released; undefined until
   * loaded from `$MQTT_qos2in` at the first open.
   */
  staged?: Map<number, number>;
  /** Messages queued while detached (counted by the publisher). */
  offline: { count: number; bytes: number; skip: Set<number> };
  /** PUBACK / PUBCOMP. */
  ackPacket(packetId: number): void;
  /** PUBREC: store the PUBREL marker, then ack the message. */
  receivedPacket(packetId: number): Promise<void>;
  /** A message for this session only (retained on subscribe). */
  enqueue(
    message: Message,
    options: { qos: QoS; retain: boolean; subscriptionIds?: number[] },
  ): void;
}

/** Create the in-memory state of `clientId`. */
export function createSessionState(
  ctx: Context,
  deps: SessionDeps,
  clientId: string,
  hash: string,
): SessionState {
  const { interest } = deps;
  const filters = new Map<string, FilterState>();
  const cons = new Map<string, ConsumerRef>();
  const byPid = new Map<number, Entry>();
  const bySeq = new Map<number | string, Entry>();
  const done: (number | string)[] = [];
  const seqWaiters = new Map<number, () => void>();
  const skipped: number[] = [];
  const prefetched: Entry[] = [];
  const waiting: Entry[] = [];
  /** NATS subject → how many of our filters use it. */
  const subjectUse = new Map<string, number>();
  const pubrelDone = new Set<number>();
  let nextPid = 1, doneAt = 0;
  const schedulePump = coalesce(() => state.pump());
  let saving: Promise<void> = Promise.resolve();

  const holdSubject = (subject: string) => {
    const n = subjectUse.get(subject) ?? 0;
    subjectUse.set(subject, n + 1);
    if (n === 0 && state.attachment) interest.add(subject, state);
  };
  const releaseSubject = (subject: string) => {
    const n = (subjectUse.get(subject) ?? 1) - 1;
    if (n > 0) return void subjectUse.set(subject, n);
    subjectUse.delete(subject);
    interest.remove(subject, state);
  };

  const ackNow = (reply: string | undefined) => {
    if (reply) ctx.nc.publish(reply, EMPTY);
  };

  /** Every filter of ours whose NATS interest takes `subject` (§1.5). */
  const matching = (subject: string): MatchedSubscription[] => {
    const out: MatchedSubscription[] = [];
    const dollar = subject.charCodeAt(0) === 0x24;
    for (const [filter, fs] of filters) {
      if (fs.shared) continue;
      for (const half of fs.halves) {
        if (dollar && isReservedSubscription(half)) continue;
        if (natsMatch(half, subject)) {
          out.push({ clientId, filter, options: fs.options });
          break;
        }
      }
    }
    return out;
  };

  const expired = (message: Message) =>
    message.expiresAt !== undefined && message.expiresAt <= ctx.now();

  const processed = (seq: number) => {
    seqWaiters.get(seq)?.();
    seqWaiters.delete(seq);
  };

  const floor = createAckFloor(ackNow);
  /** Ack one delivery: through the floor for ack-all consumers. */
  const ackDelivery = (consumer: string, sseq: number, reply: string) => {
    for (const ref of cons.values()) {
      if (ref.config.durable_name === consumer) {
        if (ref.config.ack_policy === "all") {
          return floor.done(consumer, sseq, reply);
        }
        break;
      }
    }
    ackNow(reply);
  };

  const skip = (consumer: string, seq: number, reply: string) => {
    ackDelivery(consumer, seq, reply);
    skipped.push(seq);
    if (skipped.length > 256) skipped.shift();
    processed(seq);
  };

  const onConsumerMsg = (ref: ConsumerRef, msg: Msg) => {
    const info = parseAck(msg.reply);
    if (!info || (!state.attachment && !core.restoring)) return;
    const seq = info.streamSeq;
    // The delivery a restore waits for (`prefetch`).
    if (ref.drained && (seq >= ref.dupBelow || info.pending === 0)) {
      ref.drained();
    }
    if (ref.sid === "pubrel") return onPubrelMsg(msg);
    const reply = msg.reply!;
    const { consumer } = info;
    if (ref.config.ack_policy === "all") floor.seen(consumer, seq, reply);
    const seen = bySeq.get(seq);
    if (seen) {
      if (seen.state === "done" || seen.state === "pubrel") {
        ackDelivery(consumer, seq, reply);
      } else seen.acks.set(consumer, reply);
      return;
    }
    if (state.offline.skip.delete(seq)) return skip(consumer, seq, reply);
    const subject = msg.subject.slice(ctx.names.msgs.length);
    const message = messageFrom(
      subjectToTopic(subject),
      msg.data,
      headerView(msg, ctx.headerMemo),
    );
    // Never leave a message to be redelivered forever (reference §10).
    if (message.qos === 0 || expired(message)) {
      return skip(consumer, seq, reply);
    }
    const copy = fanOut(message, matching(subject), () => 0)[0];
    if (!copy || copy.qos === 0) {
      ctx.metrics.inc("jetmq_nats_skipped_total");
      return skip(consumer, seq, reply);
    }
    const entry: Entry = {
      sseq: seq,
      key: seq,
      message,
      qos: copy.qos,
      retain: copy.retain,
      subscriptionIds: copy.subscriptionIds,
      acks: new Map<string, string>().set(consumer, reply),
      packetId: 0,
      state: "waiting",
      dup: info.delivered > 1 || seq <= ref.dupBelow,
    };
    bySeq.set(seq, entry);
    if (core.restoring === "prefetch" && seq <= ref.dupBelow) {
      prefetched.push(entry);
    } else if (waiting.push(entry) && seqWaiters.has(seq)) state.pump();
    else schedulePump(); // Unawaited (a drain): one pump per burst.
    processed(seq);
  };

  const onPubrelMsg = (msg: Msg) => {
    const packetId = Number(headerView(msg)?.get(HDR_PUBREL));
    if (!packetId || !msg.reply) return ackNow(msg.reply);
    if (pubrelDone.delete(packetId)) return ackNow(msg.reply);
    const e = byPid.get(packetId);
    if (e?.state === "pubrel") return void (e.pubrelAck = msg.reply);
    if (e) return ackNow(msg.reply); // Stale marker of an old incarnation.
    const orig = Number(headerView(msg)?.get(HDR_SEQ) ?? 0);
    const entry: Entry = {
      sseq: orig,
      key: orig || undefined,
      message: { topic: "", payload: EMPTY, qos: 2, retain: false },
      qos: 2,
      retain: false,
      acks: new Map(),
      packetId,
      state: "pubrel",
      dup: true,
      pubrelAck: msg.reply,
    };
    byPid.set(packetId, entry);
    if (orig) bySeq.set(orig, entry);
    if (state.attachment?.resumed) {
      state.emit([{ kind: "pubrel", packetId }]);
    }
  };

  const bindAll = () => {
    for (const ref of cons.values()) {
      consumers.bind(ctx, ref, onConsumerMsg);
    }
    if (state.pubrel) consumers.bind(ctx, state.pubrel, onConsumerMsg);
  };

  const dropConsumer = async (sid: string) => {
    const ref = cons.get(sid);
    if (!ref) return;
    cons.delete(sid);
    floor.forget(ref.config.durable_name!);
    await consumers.destroy(ctx, ref);
  };

  const core: SessionCore = {
    ctx,
    deps,
    get state() {
      return state;
    },
    bySeq,
    waiting,
    prefetched,
    restoring: false,
    ackNow,
    expired,
    holdSubject,
    releaseSubject,
    dropConsumer,
    onConsumerMsg,
  };

  const state: SessionState = {
    clientId,
    hash,
    seq: 0,
    clean: false,
    expiry: 0,
    filters,
    cons,
    byPid,
    offline: { count: 0, bytes: 0, skip: new Set() },
    get online() {
      return state.attachment !== undefined;
    },
    sharedCore(_key, message, options) {
      if (expired(message)) return;
      if (options.noLocal && message.origin === clientId) return;
      state.emit([qos0Delivery(
        message,
        message.retain && options.retainAsPublished,
        options.subscriptionId !== undefined
          ? [options.subscriptionId]
          : undefined,
      )]);
    },
    sharedStored: (key, msg, options) => sharedStored(core, key, msg, options),
    seen(seq) {
      if (bySeq.has(seq) || skipped.includes(seq)) return undefined;
      // A subscriber that is behind must not slow publishers down: its
      // consumer may hold new messages back (max ack pending).
      if (waiting.length + byPid.size >= SEEN_BACKLOG) return undefined;
      return new Promise<void>((resolve) => seqWaiters.set(seq, resolve));
    },
    attach(options) {
      state.attachment = { options, resumed: false, early: [] };
      core.restoring = false;
      state.offline.count = 0;
      state.offline.bytes = 0;
      for (const subject of subjectUse.keys()) interest.add(subject, state);
      bindAll();
    },
    unattach() {
      if (!state.attachment) return;
      state.attachment = undefined;
      for (const subject of subjectUse.keys()) interest.remove(subject, state);
      for (const ref of cons.values()) consumers.unbind(ref);
      if (state.pubrel) consumers.unbind(state.pubrel);
    },
    resume() {
      const a = state.attachment;
      if (!a || a.resumed) return;
      a.resumed = true;
      const out: Delivery[] = [];
      for (const e of byPid.values()) {
        if (e.state === "inflight") out.push(publishDelivery(e, true));
        else if (e.state === "pubrel") {
          out.push({ kind: "pubrel", packetId: e.packetId });
        }
      }
      out.push(...a.early);
      a.early = [];
      if (out.length > 0) a.options.sink.deliver(out);
      state.pump();
    },
    pump() {
      const a = state.attachment;
      if (!a?.resumed) return;
      const out: Delivery[] = [];
      while (waiting.length > 0 && byPid.size < a.options.window) {
        const e = waiting.shift()!;
        if (e.state !== "waiting") continue;
        if (expired(e.message)) {
          state.ackEntry(e);
          state.finish(e);
          continue;
        }
        if (e.packetId === 0) e.packetId = state.allocPacketId(e.sseq);
        byPid.set(e.packetId, e);
        e.state = "inflight";
        out.push(publishDelivery(e, e.dup));
        e.dup = true;
      }
      if (out.length > 0) a.options.sink.deliver(out);
    },
    emit(deliveries) {
      const a = state.attachment;
      if (!a) return;
      if (a.resumed) return a.options.sink.deliver(deliveries);
      if (a.early.length + deliveries.length > MAX_EARLY) {
        ctx.metrics.inc("jetmq_qos0_dropped_total", deliveries.length);
        ctx.logger.warn("QoS 0 messages before resume dropped", { clientId });
        return;
      }
      a.early.push(...deliveries);
    },
    ackEntry(e) {
      for (const [consumer, reply] of e.acks) {
        ackDelivery(consumer, e.sseq, reply);
      }
      e.acks.clear();
    },
    finish(e) {
      e.state = "done";
      if (e.key === undefined) return;
      e.message = DONE; // Only its sequence matters now.
      if (done.length < MAX_DONE) return void done.push(e.key);
      doneAt = (doneAt + 1) % MAX_DONE; // A ring of the newest keys.
      if (done[doneAt] !== e.key) bySeq.delete(done[doneAt]);
      done[doneAt] = e.key;
    },
    onCore(natsSubject, msg) {
      if (!state.attachment) return;
      if (msg.reply?.startsWith("$JS.ACK.")) return;
      const subject = msg.subject;
      const found = matching(subject);
      if (found.length === 0) return;
      // Several of our NATS subscriptions may carry this message: only the
      // one of the smallest matching filter delivers it (one copy).
      let first = found[0].filter;
      for (const m of found) if (m.filter < first) first = m.filter;
      if (!filters.get(first)!.halves.includes(natsSubject)) return;
      const message = messageFrom(
        subjectToTopic(subject),
        msg.data,
        headerView(msg, ctx.headerMemo),
        msg.reply,
      );
      if (expired(message)) return;
      const copy = fanOut(message, found, () => 0)[0];
      if (!copy) return;
      // QoS ≥ 1 on both sides: the consumer delivers it (path B, §5.2).
      if (message.qos > 0 && copy.qos > 0) return;
      state.emit([qos0Delivery(message, copy.retain, copy.subscriptionIds)]);
    },
    addFilter: (filter, options) => addFilter(core, filter, options),
    removeFilter: (filter) => removeFilter(core, filter),
    restore: (record, seq, repair) => restore(core, record, seq, repair),
    async ensurePubrel() {
      if (state.pubrel) return;
      const ref: ConsumerRef = {
        sid: "pubrel",
        config: consumers.pubrelConfig(ctx, hash),
        dupBelow: 0,
      };
      if (state.attachment) consumers.bind(ctx, ref, onConsumerMsg);
      await consumers.create(ctx, ref);
      state.pubrel = ref;
      await state.save();
    },
    async clear() {
      const refs = [...cons.values()];
      if (state.pubrel) refs.push(state.pubrel);
      cons.clear();
      state.pubrel = undefined;
      for (const [filter, fs] of filters) {
        if (fs.shared) deps.shared.leave(filter, state);
        else deps.index(state, filter, undefined);
        for (const h of fs.halves) releaseSubject(h);
      }
      filters.clear();
      state.handBack();
      byPid.clear();
      bySeq.clear();
      waiting.length = 0;
      done.length = 0;
      await Promise.all(refs.map((ref) => consumers.destroy(ctx, ref)));
    },
    handBack: () => handBack(core),
    toRecord: () => toRecord(core),
    save() {
      const run = saving.then(async () => {
        state.seq = await writeRecord(ctx, hash, state.toRecord(), state.seq);
      });
      saving = run.catch(() => {}); // The caller sees the failure.
      return run;
    },
    queued() {
      return waiting.length + (state.attachment ? 0 : state.offline.count);
    },
    ackPacket(packetId) {
      const e = byPid.get(packetId);
      if (!e) return;
      byPid.delete(packetId);
      if (e.state === "pubrel") {
        if (e.pubrelAck) ackNow(e.pubrelAck);
        else pubrelDone.add(packetId);
      } else state.ackEntry(e);
      state.finish(e);
      state.pump();
    },
    receivedPacket: (packetId) => received(core, packetId),
    enqueue: (message, options) => enqueue(core, message, options),
    allocPacketId(sseq) {
      let id = sseq > 0 ? ((sseq - 1) % 65535) + 1 : nextPid;
      for (let i = 0; i < 65535 && byPid.has(id); i++) {
        id = id === 65535 ? 1 : id + 1;
      }
      if (sseq === 0) nextPid = id === 65535 ? 1 : id + 1;
      return id;
    },
  };
  return state;
}
