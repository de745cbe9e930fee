/**
 * Rebuilds the in-memory state of the embedded backend from a `Snapshot`.
 *
 * @module
 */

import type { Message } from "../types.ts";
import { decodeOptions, fromRow } from "./_codec.ts";
import { addSubscription } from "./_session.ts";
import {
  type Context,
  newSession,
  packetIdOf,
  type QueueEntry,
  RowKind,
  type StoredMessage,
  storedOf,
} from "./_state.ts";
import { QueueState, type Snapshot, type StoredQueueRow } from "./_store.ts";

/** The message held inline by a queue row. */
function inline(row: StoredQueueRow): StoredMessage | undefined {
  if (row.topic === null || row.payload === null) return undefined;
  const message = fromRow({
    topic: row.topic,
    payload: row.payload,
    qos: row.msg_qos ?? row.qos,
    props: row.props,
    expires_at: row.expires_at,
    origin: row.origin,
  }, row.msg_retain === 1);
  return storedOf(message);
}

/**
 * Loads sessions, subscriptions, queues, inbound QoS 2 ids and retained
 * messages. Entries up to a session's `sent_seq`, and those awaiting PUBREL,
 * are in flight again (resent with DUP on resume).
 */
export function restore(
  ctx: Context,
  snap: Snapshot,
  retained: Map<string, Message>,
  onShared: (key: string) => void,
): void {
  for (const row of snap.sessions) {
    const s = newSession(row.client_id);
    s.durable = true;
    ctx.counters.durable++;
    s.expiry = row.expiry;
    s.expiresAt = row.expires_at ?? undefined;
    s.sentSeq = row.sent_seq;
    s.nextSeq = Math.max(row.next_seq, row.sent_seq + 1);
    ctx.sessions.set(s.clientId, s);
  }
  for (const row of snap.subscriptions) {
    const s = ctx.sessions.get(row.client_id);
    if (s === undefined) continue;
    const shared = row.filter.startsWith("$share/");
    addSubscription(ctx, s, row.filter, decodeOptions(row.options));
    if (shared) onShared(row.filter);
  }
  const stored = new Map<number, StoredMessage>();
  for (const row of snap.messages) {
    const message = fromRow(row, row.retain === 1);
    stored.set(row.id, { ...storedOf(message), id: row.id });
    if (row.id >= ctx.counters.nextMessageId) {
      ctx.counters.nextMessageId = row.id + 1;
    }
  }
  for (const row of snap.queue) {
    const s = ctx.sessions.get(row.client_id);
    const m = row.message_id === 0 ? inline(row) : stored.get(row.message_id);
    if (s === undefined || m === undefined) continue;
    const e: QueueEntry = {
      seq: row.seq,
      stored: m,
      qos: row.qos as 1 | 2,
      retain: row.retain === 1,
      pubrel: row.state === QueueState.Pubrel,
      ready: true,
      row: row.message_id === 0 ? RowKind.Inline : RowKind.Ref,
    };
    if (row.sub_ids !== null) e.subscriptionIds = JSON.parse(row.sub_ids);
    if (row.shared !== null && row.shared !== undefined) e.shared = row.shared;
    if (row.message_id !== 0) m.refs++;
    ctx.counters.queued++;
    if (e.pubrel || e.seq <= s.sentSeq) s.inflight.set(packetIdOf(e.seq), e);
    else {
      s.pending.push(e);
      s.pendingBytes += m.bytes;
    }
    if (e.seq >= s.nextSeq) s.nextSeq = e.seq + 1;
  }
  for (const row of snap.qos2) {
    ctx.sessions.get(row.client_id)?.qos2in.add(row.packet_id);
  }
  for (const row of snap.retained) retained.set(row.topic, fromRow(row, true));
}
