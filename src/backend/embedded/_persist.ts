/**
 * Mirroring session state into the store: rows of queued entries (written
 * just before COMMIT), deletions, and whole sessions becoming durable or not.
 *
 * @module
 */

import { encodeOptions, toRow } from "./_codec.ts";
import {
  type Context,
  type QueueEntry,
  removeSubscription,
  RowKind,
  sessionRow,
  type SessionState,
  unrefStored,
} from "./_state.ts";
import { QueueState } from "./_store.ts";

/**
 * Writes the row of `e`: inline when no other durable copy of its message
 * exists or is about to be written, else as a reference to `messages`.
 */
export function writeEntry(ctx: Context, s: SessionState, e: QueueEntry): void {
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
    shared: e.shared ?? null,
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

/** Makes `s` durable: writes its row, subscriptions, queue and QoS 2 ids. */
export function persist(ctx: Context, s: SessionState): void {
  if (!s.durable) ctx.counters.durable++;
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
  if (s.durable) ctx.counters.durable--;
  s.durable = false;
  s.deletes = [];
}

function forgetRow(ctx: Context, e: QueueEntry): void {
  if (e.row === RowKind.Ref) unrefStored(ctx, e);
  e.row = RowKind.None;
}

/**
 * Ends session `s`: forgets subscriptions, queue and stored rows. Its
 * unacknowledged shared copies go to another member of their group
 * (§4.8.2); other queued copies end with the session, logged and counted.
 */
export function drop(ctx: Context, s: SessionState): void {
  for (const sub of s.subs.values()) removeSubscription(ctx, sub);
  s.subs.clear();
  const orphans: QueueEntry[] = [];
  let discarded = 0;
  const sort = (e: QueueEntry) => {
    if (e.pubrel) return; // The client has the message; only PUBREL is owed.
    if (e.shared !== undefined) orphans.push(e);
    else discarded++;
  };
  for (const e of s.inflight.values()) sort(e);
  for (const e of s.pending) sort(e);
  ctx.counters.queued -= s.inflight.size + s.pending.length;
  if (s.durable) unpersist(ctx, s);
  s.inflight.clear();
  s.pending.clear();
  s.pendingBytes = 0;
  s.attached = undefined;
  if (ctx.sessions.get(s.clientId) === s) ctx.sessions.delete(s.clientId);
  if (discarded > 0) {
    ctx.metrics.inc("jetmq_session_discarded_total", discarded);
    ctx.logger.info("Session ended: queued messages discarded", {
      clientId: s.clientId,
      count: discarded,
    });
  }
  if (orphans.length > 0) ctx.reshare(orphans, s.clientId);
}
