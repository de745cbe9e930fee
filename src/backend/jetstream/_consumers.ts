/**
 * The durable consumers of one session on `$MQTT_msgs` (one per NATS half
 * of each QoS ≥ 1 filter, as nats-server 2.9.10 needs) and its PUBREL
 * consumer on `$MQTT_out`; creating, re-binding after a restart or a move
 * to another instance, and deleting them.
 *
 * @module
 */

import type { Msg, Subscription } from "@nats-io/transport-node";
import {
  type ConsumerConfig,
  consumerInfo,
  createDurable,
  deleteConsumer,
} from "./_api.ts";
import type { Context } from "./_context.ts";

/** One consumer the session owns. */
export interface ConsumerRef {
  /** `foo.>`, `foo fwc`, or `pubrel`. */
  sid: string;
  config: ConsumerConfig;
  /** Deliveries of stream sequences ≤ this may have been sent: DUP. */
  dupBelow: number;
  sub?: Subscription;
  /** Set while a restore waits for the old deliveries to come again. */
  drained?: () => void;
}

/** The sids of a filter's NATS halves (`foo.>` + `foo fwc`, reference §1.4). */
export function sidsOf(halves: readonly string[]): string[] {
  return halves.length === 2 ? [halves[0], `${halves[1]} fwc`] : [...halves];
}

/** The NATS subject a sid filters on. */
export function sidSubject(sid: string): string {
  return sid.endsWith(" fwc") ? sid.slice(0, -4) : sid;
}

/** Config of a new subscription consumer. */
export function subscriptionConfig(
  ctx: Context,
  hash: string,
  natsFilter: string,
  startSeq?: number,
): ConsumerConfig {
  // Explicit, not ack-all: a delivery lost on the wire (a reconnect, a
  // nats-server restart) stays pending and comes again after the ack wait;
  // an ack-all of a later sequence would acknowledge it unseen, and the
  // interest stream would drop an acknowledged message. Consumers of older
  // records may still be ack-all (`_ack_floor.ts`).
  return pushConfig(
    ctx,
    `${hash}_${ctx.nuid()}`,
    ctx.names.sub + ctx.nuid(),
    ctx.names.msgs + natsFilter,
    startSeq,
  );
}

/** Config of a new PUBREL consumer (reference §2.2). */
export function pubrelConfig(
  ctx: Context,
  hash: string,
  startSeq?: number,
): ConsumerConfig {
  return pushConfig(
    ctx,
    `${ctx.names.prefix}_PUBREL_${hash}_${ctx.nuid()}`,
    ctx.names.deliverPubrel + hash + "." + ctx.nuid(),
    ctx.names.pubrel + hash,
    startSeq,
  );
}

/** A durable explicit-ack push consumer from `startSeq`, else new only. */
export function pushConfig(
  ctx: Context,
  durableName: string,
  deliverSubject: string,
  filterSubject: string,
  startSeq: number | undefined,
): ConsumerConfig {
  return {
    durable_name: durableName,
    deliver_subject: deliverSubject,
    deliver_policy: startSeq ? "by_start_sequence" : "new",
    ...(startSeq ? { opt_start_seq: startSeq } : {}),
    ack_policy: "explicit",
    ack_wait: ctx.ackWaitNs,
    filter_subject: filterSubject,
    max_ack_pending: ctx.maxAckPending,
    replay_policy: "instant",
  };
}

/** Subscribe to the consumer's delivery subject. */
export function bind(
  ctx: Context,
  ref: ConsumerRef,
  onMsg: (ref: ConsumerRef, msg: Msg) => void,
): void {
  if (ref.sub) return;
  ref.sub = ctx.nc.subscribe(ref.config.deliver_subject, {
    callback: (_error, msg) => onMsg(ref, msg),
  });
}

/** Stop deliveries of the consumer to us. */
export function unbind(ref: ConsumerRef): void {
  ref.sub?.unsubscribe();
  ref.sub = undefined;
}

function streamOf(ctx: Context, ref: ConsumerRef): string {
  return ref.sid === "pubrel" ? ctx.names.outStream : ctx.names.msgsStream;
}

/** Create the consumer on the server. */
export async function create(ctx: Context, ref: ConsumerRef): Promise<void> {
  await createDurable(ctx.api, streamOf(ctx, ref), ref.config);
}

/** Delete the consumer on the server (missing is fine). */
export async function destroy(ctx: Context, ref: ConsumerRef): Promise<void> {
  unbind(ref);
  await deleteConsumer(
    ctx.api,
    streamOf(ctx, ref),
    ref.config.durable_name ?? "",
  );
}

/**
 * Make a restored consumer usable at once. Messages it delivered earlier
 * and that are still unacknowledged would only come back after the ack
 * wait (30 s, reference §5.4/§10): instead a replacement starting at the
 * ack floor is created (so the stream keeps the interest) and the old one
 * deleted; deliveries up to the old delivered sequence are marked DUP. A
 * missing consumer is re-created (what it missed meanwhile is lost, logged).
 */
export async function repair(
  ctx: Context,
  hash: string,
  ref: ConsumerRef,
): Promise<ConsumerRef> {
  const stream = streamOf(ctx, ref);
  const info = await consumerInfo(ctx.api, stream, ref.config.durable_name!);
  if (info && info.num_ack_pending === 0) return ref;
  if (!info) {
    ctx.logger.warn("session consumer missing, re-created", {
      hash,
      sid: ref.sid,
    });
    ctx.metrics.inc("jetmq_nats_consumer_recreated_total");
    await create(ctx, ref);
    return ref;
  }
  const start = info.ack_floor.stream_seq + 1;
  const subject = sidSubject(ref.sid);
  const config = ref.sid === "pubrel"
    ? pubrelConfig(ctx, hash, start)
    : subscriptionConfig(ctx, hash, subject, start);
  const next: ConsumerRef = {
    sid: ref.sid,
    config,
    dupBelow: info.delivered.stream_seq,
  };
  await create(ctx, next);
  await destroy(ctx, ref);
  return next;
}
