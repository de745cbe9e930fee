/**
 * In-memory session state of the embedded backend and the operations on its
 * queue. Memory is the truth while the process runs; durable sessions
 * (expiry > 0) mirror every change into the open SQLite batch, and a copy
 * queued for one of them is delivered only once its batch has committed, so
 * a packet identifier the client saw always names a stored message.
 *
 * @module
 */

import type { QoS } from "../../codec/types.ts";
import type { Logger, Metrics } from "../../observability/types.ts";
import type { Trie } from "../../topic/mod.ts";
import type { MatchedSubscription } from "../fanout.ts";
import type { Delivery, DeliverySink, Message } from "../types.ts";
import { encodeOptions, toRow } from "./_codec.ts";
import { createDeque, type Deque } from "./_deque.ts";
import { QueueState, type SessionRow, type Store } from "./_store.ts";

/** The payload of a message, shared by every queue entry that holds it. */
export interface StoredMessage {
  /** Row id in `messages`; 0 until a durable session holds it. */
  id: number;
  message: Message;
  /** Durable queue rows referencing the row. */
  refs: number;
  /** Durable copies queued in the open batch and not yet written. */
  unwritten: number;
  /** Bytes counted against `maxQueuedBytes`. */
  bytes: number;
}

/** One QoS ≥ 1 copy queued for, or in flight to, one session. */
export interface QueueEntry {
  seq: number;
  stored: StoredMessage;
  qos: 1 | 2;
  retain: boolean;
  subscriptionIds?: number[];
  /** PUBREC received: a PUBREL is owed. */
  pubrel: boolean;
  /** False until the batch holding it committed. */
  ready: boolean;
  /** How its row is stored, if at all. */
  row: RowKind;
}

/** Where a queue entry's row is: none, inline, or referencing `messages`. */
export const RowKind = { None: 0, Inline: 1, Ref: 2 } as const;
/** A `RowKind` value. */
export type RowKind = typeof RowKind[keyof typeof RowKind];

/** A connection's hold on a session. */
export interface Attachment {
  sink: DeliverySink;
  window: number;
  resumed: boolean;
  /** QoS 0 deliveries held until `resume()`. */
  held: Delivery[];
  onTakeover(): void;
}

/** Everything kept for one client id. */
export interface SessionState {
  readonly clientId: string;
  durable: boolean;
  expiry: number;
  /** Deadline while detached; undefined while attached or for "never". */
  expiresAt: number | undefined;
  subs: Map<string, MatchedSubscription>;
  pending: Deque<QueueEntry>;
  pendingBytes: number;
  /** Sent and unacknowledged, by packet id, in the order sent. */
  inflight: Map<number, QueueEntry>;
  qos2in: Set<number>;
  nextSeq: number;
  /** Every entry with seq ≤ sentSeq has been sent at least once. */
  sentSeq: number;
  /** Sequence numbers whose rows are deleted when the batch commits. */
  deletes: number[];
  attached: Attachment | undefined;
}

/** What the state operations share with the backend. */
export interface Context {
  store: Store;
  logger: Logger;
  metrics: Metrics;
  now: () => number;
  maxQueuedMessages: number;
  maxQueuedBytes: number;
  sessions: Map<string, SessionState>;
  trie: Trie<MatchedSubscription, MatchedSubscription>;
  /** Durable entries queued in the open batch, written before COMMIT. */
  unwritten: QueueEntry[];
  /** The session of each of `unwritten`. */
  unwrittenIn: SessionState[];
  /** Sessions to pump after the open batch commits. */
  toPump: Set<SessionState>;
  /** Sessions whose row (sequence counters) must be rewritten. */
  dirty: Set<SessionState>;
  counters: { queued: number; dropped: number; nextMessageId: number };
  /** Routes a message (used by inbound QoS 2). */
  publish(message: Message): Promise<void>;
  /** Drops a shared subscription's round-robin counter user. */
  unshare(key: string): void;
}

/** The packet identifier of sequence number `seq` [MQTT-2.2.1-3]. */
export function packetIdOf(seq: number): number {
  return ((seq - 1) % 65535) + 1;
}

/** A fresh, empty session. */
export function newSession(clientId: string): SessionState {
  return {
    clientId,
    durable: false,
    expiry: 0,
    expiresAt: undefined,
    subs: new Map(),
    pending: createDeque(),
    pendingBytes: 0,
    inflight: new Map(),
    qos2in: new Set(),
    nextSeq: 1,
    sentSeq: 0,
    deletes: [],
    attached: undefined,
  };
}

/** Wraps a message for queueing. */
export function storedOf(message: Message): StoredMessage {
  return {
    id: 0,
    message,
    refs: 0,
    unwritten: 0,
    bytes: message.payload.length + message.topic.length,
  };
}

/** The `sessions` row of `s`. */
export function sessionRow(s: SessionState): SessionRow {
  return {
    client_id: s.clientId,
    expiry: s.expiry,
    expires_at: s.expiresAt ?? null,
    next_seq: s.nextSeq,
    sent_seq: s.sentSeq,
  };
}

/** Whether a detached session's expiry has passed. */
export function isExpired(s: SessionState, now: number): boolean {
  return s.attached === undefined && s.expiresAt !== undefined &&
    s.expiresAt <= now;
}

/**
 * Writes the row of `e`: inline when no other durable copy of its message
 * exists or is about to be written, else as a reference to `messages`.
 */
function writeEntry(ctx: Context, s: SessionState, e: QueueEntry): void {
  const { stored } = e;
  const { store } = ctx;
  const row = {
    client_id: s.clientId,
    seq: e.seq,
    message_id: 0,
    qos: e.qos,
    retain: e.retain ? 1 : 0,
    sub_ids: e.subscriptionIds ? JSON.stringify(e.subscriptionIds) : null,
    state: e.pubrel ? QueueState.Pubrel : QueueState.Publish,
  };
  const { message } = stored;
  if (stored.refs === 0 && stored.unwritten <= 1) {
    store.putQueuedInline(row, toRow(message), message.retain);
    e.row = RowKind.Inline;
    return;
  }
  if (stored.refs === 0) {
    if (stored.id === 0) stored.id = ctx.counters.nextMessageId++;
    store.putMessage(stored.id, toRow(message), message.retain);
  }
  stored.refs++;
  row.message_id = stored.id;
  store.putQueued(row);
  e.row = RowKind.Ref;
}

/**
 * Writes the entries queued in the open batch (called before COMMIT), then
 * each dirty session's deletions and row.
 */
export function writeBatch(ctx: Context): void {
  const { unwritten, unwrittenIn } = ctx;
  for (let i = 0; i < unwritten.length; i++) {
    const e = unwritten[i];
    const s = unwrittenIn[i];
    if (
      e.row === RowKind.None && s.durable && ctx.sessions.get(s.clientId) === s
    ) writeEntry(ctx, s, e);
    e.stored.unwritten--;
  }
  unwrittenIn.length = 0;
  for (const s of ctx.dirty) {
    if (!s.durable || ctx.sessions.get(s.clientId) !== s) continue;
    flushDeletes(ctx, s);
    ctx.store.putSession(sessionRow(s));
  }
  ctx.dirty.clear();
}

/** Deletes the rows of acknowledged entries, as ranges of sequence numbers. */
function flushDeletes(ctx: Context, s: SessionState): void {
  const seqs = s.deletes;
  if (seqs.length === 0) return;
  seqs.sort((a, b) => a - b);
  let from = seqs[0];
  let to = from;
  for (let i = 1; i < seqs.length; i++) {
    if (seqs[i] === to + 1) to++;
    else {
      ctx.store.deleteQueued(s.clientId, from, to);
      from = to = seqs[i];
    }
  }
  ctx.store.deleteQueued(s.clientId, from, to);
  s.deletes = [];
}

/** The entries of the committed batch may now be delivered. */
export function commitBatch(ctx: Context): void {
  for (const e of ctx.unwritten) e.ready = true;
  ctx.unwritten = [];
  const toPump = [...ctx.toPump];
  ctx.toPump.clear();
  for (const s of toPump) pump(ctx, s);
}

/** Forgets an entry: its row goes at the next commit. */
function release(ctx: Context, s: SessionState, e: QueueEntry): void {
  ctx.counters.queued--;
  if (e.row === RowKind.None) return;
  if (e.row === RowKind.Ref) unrefStored(ctx, e);
  e.row = RowKind.None;
  s.deletes.push(e.seq);
  markDirty(ctx, s);
}

/**
 * Queues one QoS ≥ 1 copy for `s`, or drops it (logged, counted) when the
 * session's queue is full. Returns whether it was queued.
 */
export function queueCopy(
  ctx: Context,
  s: SessionState,
  stored: StoredMessage,
  qos: QoS,
  retain: boolean,
  subscriptionIds?: number[],
): boolean {
  if (
    s.pending.length >= ctx.maxQueuedMessages ||
    s.pendingBytes + stored.bytes > ctx.maxQueuedBytes
  ) {
    ctx.counters.dropped++;
    ctx.metrics.inc("jetmq_queue_dropped_total");
    ctx.logger.warn("Session queue full: message dropped", {
      clientId: s.clientId,
      topic: stored.message.topic,
      queued: s.pending.length,
      bytes: s.pendingBytes,
    });
    return false;
  }
  const e: QueueEntry = {
    seq: s.nextSeq++,
    stored,
    qos: qos as 1 | 2,
    retain,
    pubrel: false,
    ready: !s.durable,
    row: RowKind.None,
  };
  if (subscriptionIds !== undefined) e.subscriptionIds = subscriptionIds;
  s.pending.push(e);
  s.pendingBytes += stored.bytes;
  ctx.counters.queued++;
  if (s.durable) {
    stored.unwritten++;
    ctx.unwritten.push(e);
    ctx.unwrittenIn.push(s);
    ctx.toPump.add(s);
    markDirty(ctx, s);
  } else pump(ctx, s);
  return true;
}

function publishDelivery(
  e: QueueEntry,
  packetId: number,
  dup: boolean,
): Delivery {
  const d: Delivery = {
    kind: "publish",
    message: e.stored.message,
    qos: e.qos,
    packetId,
    dup,
    retain: e.retain,
  };
  if (e.subscriptionIds !== undefined) d.subscriptionIds = e.subscriptionIds;
  return d;
}

/**
 * Sends queued entries while the window has room. Stops at an entry not yet
 * committed, or whose packet id is still in flight (an old message was not
 * acknowledged for 65535 sequence numbers). Expired entries are dropped
 * [MQTT-3.3.2-5].
 */
export function pump(ctx: Context, s: SessionState): void {
  const a = s.attached;
  if (a === undefined || !a.resumed) return;
  let out: Delivery[] | undefined;
  let now = -1;
  while (s.inflight.size < a.window) {
    const e = s.pending.peek();
    if (e === undefined || !e.ready) break;
    const expiresAt = e.stored.message.expiresAt;
    if (expiresAt !== undefined) {
      if (now < 0) now = ctx.now();
      if (expiresAt <= now) {
        takePending(s);
        release(ctx, s, e);
        ctx.metrics.inc("jetmq_messages_expired_total");
        continue;
      }
    }
    const packetId = packetIdOf(e.seq);
    if (s.inflight.has(packetId)) break;
    takePending(s);
    s.inflight.set(packetId, e);
    if (e.seq > s.sentSeq) {
      s.sentSeq = e.seq;
      if (s.durable) markDirty(ctx, s);
    }
    (out ??= []).push(publishDelivery(e, packetId, false));
  }
  if (out !== undefined) a.sink.deliver(out);
}

function takePending(s: SessionState): void {
  const e = s.pending.shift()!;
  s.pendingBytes -= e.stored.bytes;
}

function markDirty(ctx: Context, s: SessionState): void {
  ctx.dirty.add(s);
  ctx.store.touch();
}

/**
 * Starts deliveries: every unacknowledged PUBLISH again (DUP, same packet
 * id) and every owed PUBREL, in their original order [MQTT-4.4.0-1]; then
 * held QoS 0 messages; then new ones.
 */
export function resume(ctx: Context, s: SessionState): void {
  const a = s.attached;
  if (a === undefined || a.resumed) return;
  a.resumed = true;
  const out: Delivery[] = [];
  for (const [packetId, e] of s.inflight) {
    out.push(
      e.pubrel
        ? { kind: "pubrel", packetId }
        : publishDelivery(e, packetId, true),
    );
  }
  for (const d of a.held) out.push(d);
  a.held = [];
  if (out.length > 0) a.sink.deliver(out);
  pump(ctx, s);
}

/** PUBACK / PUBCOMP: the entry is done; frees a window slot. */
export function ack(ctx: Context, s: SessionState, packetId: number): void {
  const e = s.inflight.get(packetId);
  if (e === undefined) return;
  s.inflight.delete(packetId);
  release(ctx, s, e);
  pump(ctx, s);
}

/** PUBREC: the entry now waits for PUBCOMP. */
export function received(
  ctx: Context,
  s: SessionState,
  packetId: number,
): void {
  const e = s.inflight.get(packetId);
  if (e === undefined || e.qos !== 2 || e.pubrel) return;
  e.pubrel = true;
  if (s.durable) ctx.store.setQueuedState(s.clientId, e.seq, QueueState.Pubrel);
}

/** A QoS 0 delivery: sent now, held until resume, or dropped offline. */
export function deliverNow(ctx: Context, s: SessionState, d: Delivery): void {
  const a = s.attached;
  if (a?.resumed) return a.sink.deliver([d]);
  if (a !== undefined && a.held.length < ctx.maxQueuedMessages) {
    a.held.push(d);
    return;
  }
  ctx.metrics.inc("jetmq_qos0_dropped_total");
}

/** Makes `s` durable: writes its row, subscriptions, queue and QoS 2 ids. */
export function persist(ctx: Context, s: SessionState): void {
  s.durable = true;
  ctx.store.putSession(sessionRow(s));
  for (const [filter, sub] of s.subs) {
    ctx.store.putSubscription(s.clientId, filter, encodeOptions(sub.options));
  }
  for (const e of s.inflight.values()) writeEntry(ctx, s, e);
  for (const e of s.pending) if (e.row === RowKind.None) writeEntry(ctx, s, e);
  for (const packetId of s.qos2in) ctx.store.putQoS2(s.clientId, packetId);
}

/** Removes `s` from the store; it lives on in memory only. */
export function unpersist(ctx: Context, s: SessionState): void {
  for (const e of s.inflight.values()) forgetRow(ctx, e);
  for (const e of s.pending) {
    forgetRow(ctx, e);
    e.ready = true;
  }
  ctx.store.deleteSession(s.clientId);
  s.durable = false;
  s.deletes = [];
}

function forgetRow(ctx: Context, e: QueueEntry): void {
  if (e.row === RowKind.Ref) unrefStored(ctx, e);
  e.row = RowKind.None;
}

function unrefStored(ctx: Context, e: QueueEntry): void {
  if (--e.stored.refs === 0) ctx.store.deleteMessage(e.stored.id);
}

/** Ends session `s`: forgets subscriptions, queue and stored rows. */
export function drop(ctx: Context, s: SessionState): void {
  for (const sub of s.subs.values()) removeSubscription(ctx, sub);
  s.subs.clear();
  ctx.counters.queued -= s.inflight.size + s.pending.length;
  if (s.durable) unpersist(ctx, s);
  s.inflight.clear();
  s.pending.clear();
  s.pendingBytes = 0;
  s.attached = undefined;
  if (ctx.sessions.get(s.clientId) === s) ctx.sessions.delete(s.clientId);
}

/** Takes one subscription out of the trie. */
export function removeSubscription(
  ctx: Context,
  sub: MatchedSubscription,
): void {
  if (sub.group === undefined) ctx.trie.remove(sub.filter, sub);
  else {
    ctx.trie.remove(innerFilter(sub.filter), sub);
    ctx.unshare(sub.filter);
  }
}

/** The filter of `$share/<group>/<filter>`. */
export function innerFilter(shared: string): string {
  return shared.slice(shared.indexOf("/", 7) + 1);
}
