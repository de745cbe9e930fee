/**
 * A session's queue: queueing copies (bounded), the window, deliveries,
 * acknowledgements and redelivery on resume.
 *
 * @module
 */

import type { QoS } from "../../codec/types.ts";
import type { Delivery, Message } from "../types.ts";
import {
  type Context,
  markDirty,
  packetIdOf,
  type QueueEntry,
  RowKind,
  type SessionState,
  type StoredMessage,
  unrefStored,
} from "./_state.ts";
import { QueueState } from "./_store.ts";

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
  shared?: string,
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
  if (shared !== undefined) e.shared = shared;
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

/** A QoS 0 copy of `message`, delivered through `deliverNow`. */
export function deliverQoS0(
  ctx: Context,
  s: SessionState,
  message: Message,
  retain: boolean,
  subscriptionIds: number[] | undefined,
): void {
  deliverNow(ctx, s, {
    kind: "publish",
    message,
    qos: 0,
    dup: false,
    retain,
    ...(subscriptionIds ? { subscriptionIds } : {}),
  });
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

/** The entries of the committed batch may now be delivered. */
export function commitBatch(ctx: Context): void {
  for (const e of ctx.unwritten) e.ready = true;
  ctx.unwritten = [];
  const toPump = [...ctx.toPump];
  ctx.toPump.clear();
  for (const s of toPump) pump(ctx, s);
}
