/**
 * In-memory session state of the embedded backend and the operations on its
 * queue. Memory is the truth while the process runs; durable sessions
 * (expiry > 0) mirror every change into the open SQLite batch, and a copy
 * queued for one of them is delivered only once its batch has committed, so
 * a packet identifier the client saw always names a stored message.
 *
 * @module
 */

import type { Logger, Metrics } from "../../observability/types.ts";
import type { Trie } from "../../topic/mod.ts";
import type { MatchedSubscription } from "../fanout.ts";
import type { Delivery, DeliverySink, Message } from "../types.ts";
import { createDeque, type Deque } from "./_deque.ts";
import type { SessionRow, Store } from "./_store.ts";

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
  /** The `$share/<group>/<filter>` it was chosen for, if any. */
  shared?: string;
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
  /** Set by `close()`: handles go inert, the store is gone. */
  closed: boolean;
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
  counters: {
    queued: number;
    dropped: number;
    nextMessageId: number;
    /** Durable (persistent) sessions, bounded by `maxSessions`. */
    durable: number;
  };
  /** Routes a message (used by inbound QoS 2); `0`: nobody got a copy. */
  publish(message: Message): Promise<number | void>;
  /** Drops a shared subscription's round-robin counter user. */
  unshare(key: string): void;
  /**
   * Hands the unacknowledged shared copies of an ended session to another
   * member of their group, or drops them (logged, counted) (§4.8.2).
   */
  reshare(orphans: QueueEntry[], from: string): void;
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

/** The session row (and its deletions) must be rewritten this batch. */
export function markDirty(ctx: Context, s: SessionState): void {
  ctx.dirty.add(s);
  ctx.store.touch();
}

/** One durable reference to a `messages` row fewer. */
export function unrefStored(ctx: Context, e: QueueEntry): void {
  if (--e.stored.refs === 0) ctx.store.deleteMessage(e.stored.id);
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
