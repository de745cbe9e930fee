/**
 * Setting a session up: subscriptions (interest, consumers, shared groups),
 * restoring it from its record with what was in flight, and the record it
 * stores. Works on the internals of `_session.ts`.
 *
 * @module
 */

import { filterToSubjects, isShared } from "../../topic/mod.ts";
import { headers, type Msg } from "@nats-io/transport-node";
import { subjectToTopic } from "../../topic/mod.ts";
import { fanOut } from "../fanout.ts";
import type { QoS } from "../../codec/types.ts";
import type { Delivery, Message, SubscriptionOptions } from "../types.ts";
import { headerView, messageFrom, parseAck } from "./_codec.ts";
import * as consumers from "./_consumers.ts";
import type { ConsumerRef } from "./_consumers.ts";
import { NEVER_EXPIRES, type SessionRecord } from "./_record.ts";
import { HDR_PUBREL, HDR_SEQ } from "./_names.ts";
import type { Entry, SessionCore } from "./_session.ts";

const EMPTY = new Uint8Array(0);

/** Add or replace a subscription; resolves with whether it existed. */
export async function addFilter(
  core: SessionCore,
  filter: string,
  options: SubscriptionOptions,
): Promise<boolean> {
  const { ctx, deps, state, holdSubject, dropConsumer, onConsumerMsg } = core;
  const { filters, cons, clientId, hash } = state;
  const old = filters.get(filter);
  if (isShared(filter)) {
    filters.set(filter, { options, halves: [], shared: true });
    await deps.shared.join(filter, state, options);
    return old !== undefined;
  }
  const halves = old?.halves ?? filterToSubjects(filter, {
    internalPrefix: ctx.names.prefix + ".",
  }) ?? [];
  if (!old) {
    if (halves.length === 0) {
      ctx.logger.warn("filter has no NATS subject", { clientId, filter });
    }
    for (const h of halves) holdSubject(h);
  }
  filters.set(filter, { options, halves });
  deps.index(state, filter, options.qos > 0 ? options : undefined);
  const sids = consumers.sidsOf(halves);
  if (options.qos === 0) {
    await Promise.all(sids.map(dropConsumer));
    return old !== undefined;
  }
  await Promise.all(sids.map(async (sid) => {
    if (cons.has(sid)) return;
    const config = consumers.subscriptionConfig(
      ctx,
      hash,
      consumers.sidSubject(sid),
    );
    const ref: ConsumerRef = { sid, config, dupBelow: 0 };
    cons.set(sid, ref);
    // Bind first, so nothing published after SUBACK is missed.
    if (state.attachment) consumers.bind(ctx, ref, onConsumerMsg);
    try {
      await consumers.create(ctx, ref);
    } catch (error) {
      cons.delete(sid);
      consumers.unbind(ref);
      throw error;
    }
  }));
  return old !== undefined;
}

/** Remove a subscription; resolves with whether it existed. */
export async function removeFilter(
  core: SessionCore,
  filter: string,
): Promise<boolean> {
  const { deps, state, releaseSubject, dropConsumer } = core;
  const { filters } = state;
  const fs = filters.get(filter);
  if (!fs) return false;
  filters.delete(filter);
  if (fs.shared) {
    deps.shared.leave(filter, state);
    return true;
  }
  deps.index(state, filter, undefined);
  for (const h of fs.halves) releaseSubject(h);
  await Promise.all(consumers.sidsOf(fs.halves).map(dropConsumer));
  return true;
}

/**
 * Rebuild the state from its record: filters, interest, consumers (repaired,
 * see `_consumers.ts`), and what was in flight.
 */
export async function restore(
  core: SessionCore,
  record: SessionRecord,
  seq: number,
  repair = true,
): Promise<void> {
  const { ctx, deps, state, holdSubject } = core;
  const { filters, cons, hash } = state;
  state.seq = seq;
  state.clean = record.clean === true;
  state.expiry = record.jetmq?.expiry ?? NEVER_EXPIRES;
  state.detachedAt = record.jetmq?.detachedAt;
  const saved = Object.entries(record.jetmq?.filters ?? {});
  for (const [filter, options] of saved) {
    if (isShared(filter)) {
      filters.set(filter, { options, halves: [], shared: true });
      await deps.shared.join(filter, state, options);
      continue;
    }
    const halves = filterToSubjects(filter, {
      internalPrefix: ctx.names.prefix + ".",
    }) ?? [];
    filters.set(filter, { options, halves });
    for (const h of halves) holdSubject(h);
    if (options.qos > 0) deps.index(state, filter, options);
  }
  const refs = Object.entries(record.cons ?? {}).filter(([, c]) => c)
    .map(([sid, config]) => ({ sid, config, dupBelow: 0 }));
  if (record.pubrel) {
    refs.push({ sid: "pubrel", config: record.pubrel, dupBelow: 0 });
  }
  const repaired = repair
    ? await Promise.all(refs.map((ref) => consumers.repair(ctx, hash, ref)))
    : refs;
  for (const ref of repaired) {
    if (ref.sid === "pubrel") state.pubrel = ref;
    else cons.set(ref.sid, ref);
  }
  await prefetch(core, repaired.filter((ref) => ref.dupBelow > 0));
}

/**
 * After a restart or a move from another instance: receive again what the
 * old consumers had sent (up to their delivered sequence) and rebuild the
 * in-flight list in stream order, PUBRELs in their place, so `resume()`
 * resends it all with DUP and the same packet ids.
 */
async function prefetch(core: SessionCore, refs: ConsumerRef[]): Promise<void> {
  const { ctx, state, bySeq, prefetched, onConsumerMsg } = core;
  const { byPid } = state;
  if (refs.length === 0) return;
  core.restoring = "prefetch";
  try {
    await Promise.all(refs.map((ref) =>
      new Promise<void>((resolve) => {
        const timer = setTimeout(finish, 2000);
        function finish() {
          clearTimeout(timer);
          ref.drained = undefined;
          resolve();
        }
        ref.drained = finish;
        consumers.bind(ctx, ref, onConsumerMsg);
      })
    ));
  } finally {
    // Until attach: what comes now would wait the ack wait if dropped.
    core.restoring = "attach";
  }
  const released = new Set<number>();
  for (const e of byPid.values()) if (e.sseq > 0) released.add(e.sseq);
  const all = [...byPid.values(), ...prefetched.splice(0)]
    .sort((a, b) => a.sseq - b.sseq);
  byPid.clear();
  for (const e of all) {
    if (e.state === "waiting") {
      if (released.has(e.sseq)) {
        state.ackEntry(e);
        bySeq.set(e.sseq, { ...e, state: "done" });
        continue;
      }
      e.packetId = state.allocPacketId(e.sseq);
      e.state = "inflight";
    }
    byPid.set(e.packetId, e);
  }
}

/** The record to store for the state (reference §3.1 plus `jetmq`). */
export function toRecord(core: SessionCore): SessionRecord {
  const { ctx, state } = core;
  const { filters, cons, clientId } = state;
  const subs: Record<string, number> = {};
  const jfilters: Record<string, SubscriptionOptions> = {};
  for (const [filter, fs] of filters) {
    jfilters[filter] = fs.options;
    for (const h of fs.halves) {
      subs[h] = Math.max(subs[h] ?? 0, fs.options.qos);
    }
  }
  const record: SessionRecord = {
    origin: ctx.node,
    id: clientId,
    subs,
    cons: Object.fromEntries(
      [...cons.values()].map((r) => [r.sid, r.config]),
    ),
    jetmq: { expiry: state.expiry, filters: jfilters },
  };
  if (state.clean) record.clean = true;
  if (state.pubrel) record.pubrel = state.pubrel.config;
  if (state.detachedAt !== undefined) {
    record.jetmq!.detachedAt = state.detachedAt;
  }
  return record;
}

/** A shared-group delivery picked for this session (see `_shared.ts`). */
export function sharedStored(
  core: SessionCore,
  key: string,
  msg: Msg,
  options: SubscriptionOptions,
): void {
  const { ctx, state, bySeq, waiting, ackNow, expired } = core;
  const { clientId } = state;
  const info = parseAck(msg.reply);
  if (!info) return;
  const dedupe = `${key}|${info.streamSeq}`;
  const seen = bySeq.get(dedupe);
  if (seen) {
    if (seen.state === "done") ackNow(msg.reply);
    else seen.acks.set(info.consumer, msg.reply!);
    return;
  }
  const subject = msg.subject.slice(ctx.names.msgs.length);
  const message = messageFrom(
    subjectToTopic(subject),
    msg.data,
    headerView(msg, ctx.headerMemo),
  );
  const copy = fanOut(
    message,
    [{ clientId, filter: key, options }],
    () => 0,
  )[0];
  if (message.qos === 0 || expired(message) || !copy) {
    return ackNow(msg.reply);
  }
  if (copy.qos === 0) {
    // A member granted QoS 0 gets it at QoS 0 [MQTT-3.8.4-8], not nothing.
    state.emit([qos0Delivery(message, copy.retain, copy.subscriptionIds)]);
    return ackNow(msg.reply);
  }
  const entry: Entry = {
    sseq: info.streamSeq,
    key: dedupe,
    message,
    qos: copy.qos,
    retain: copy.retain,
    subscriptionIds: copy.subscriptionIds,
    acks: new Map([[info.consumer, msg.reply!]]),
    packetId: 0,
    state: "waiting",
    dup: info.delivered > 1,
  };
  bySeq.set(dedupe, entry);
  waiting.push(entry);
  state.pump();
}

/** The delivery of a session entry, DUP as given. */
export function publishDelivery(e: Entry, dup: boolean): Delivery {
  return {
    kind: "publish",
    message: e.message,
    qos: e.qos,
    packetId: e.packetId,
    dup,
    retain: e.retain,
    ...(e.subscriptionIds ? { subscriptionIds: e.subscriptionIds } : {}),
  };
}

/** A QoS 0 delivery of `message` (no packet id, never DUP). */
export function qos0Delivery(
  message: Message,
  retain: boolean,
  subscriptionIds: number[] | undefined,
): Delivery {
  return {
    kind: "publish",
    message,
    qos: 0,
    dup: false,
    retain,
    ...(subscriptionIds ? { subscriptionIds } : {}),
  };
}

/** A message for this session only (retained on subscribe). */
export function enqueue(
  core: SessionCore,
  message: Message,
  options: { qos: QoS; retain: boolean; subscriptionIds?: number[] },
): void {
  const { state, waiting } = core;
  if (options.qos === 0) {
    state.emit([
      qos0Delivery(message, options.retain, options.subscriptionIds),
    ]);
    return;
  }
  waiting.push({
    sseq: 0,
    message,
    qos: options.qos,
    retain: options.retain,
    subscriptionIds: options.subscriptionIds,
    acks: new Map(),
    packetId: 0,
    state: "waiting",
    dup: false,
  });
  state.pump();
}

/** PUBREC: store the PUBREL marker, then ack the message (reference §5.3). */
export async function received(
  core: SessionCore,
  packetId: number,
): Promise<void> {
  const { ctx, state } = core;
  const { byPid, hash } = state;
  const e = byPid.get(packetId);
  if (!e || e.state !== "inflight") return;
  await state.ensurePubrel();
  const h = headers();
  h.set(HDR_PUBREL, String(packetId));
  if (e.sseq > 0) h.set(HDR_SEQ, String(e.sseq));
  // Before the store: the marker may come back before the store ack.
  e.state = "pubrel";
  try {
    await ctx.jsPublish(ctx.names.pubrel + hash, EMPTY, h);
  } catch (error) {
    e.state = "inflight";
    throw error;
  }
  state.ackEntry(e);
}

/** Negative acknowledgement: redeliver now (JetStream `-NAK`). */
const NAK = new TextEncoder().encode("-NAK");

/**
 * The session ends: its unacknowledged shared copies go back to their
 * group's consumer at once (NAK), so another member gets them (§4.8.2); its
 * other queued copies end with it (logged, counted).
 */
export function handBack(core: SessionCore): void {
  const { ctx, bySeq } = core;
  let discarded = 0;
  for (const [key, e] of bySeq) {
    if (e.state !== "waiting" && e.state !== "inflight") continue;
    if (typeof key !== "string") {
      discarded++;
      continue;
    }
    for (const reply of e.acks.values()) ctx.nc.publish(reply, NAK);
    e.acks.clear();
  }
  if (discarded === 0) return;
  ctx.metrics.inc("jetmq_session_discarded_total", discarded);
  ctx.logger.info("session ended: queued messages discarded", {
    clientId: core.state.clientId,
    count: discarded,
  });
}
