/**
 * Shared copies of an ended session: MQTT 5 §4.8.2 says a message sent to a
 * shared subscriber whose session ends before it acknowledged SHOULD go to
 * another member of the group. Without one it is dropped, with a warning
 * and `jetmq_queue_dropped_total`, never silently.
 *
 * @module
 */

import type { QoS } from "../../codec/types.ts";
import type { MatchedSubscription, PickMember } from "../fanout.ts";
import { deliverQoS0, queueCopy } from "./_queue.ts";
import { type Context, type QueueEntry, storedOf } from "./_state.ts";

/**
 * Hands each of `orphans` (copies chosen for `from`'s shared subscriptions)
 * to another member of the same group, picked by `pick`.
 */
export function reshare(
  ctx: Context,
  orphans: readonly QueueEntry[],
  from: string,
  pick: PickMember,
): void {
  const t = ctx.now();
  for (const e of orphans) {
    const key = e.shared!;
    const { message } = e.stored;
    if (message.expiresAt !== undefined && message.expiresAt <= t) {
      ctx.metrics.inc("jetmq_messages_expired_total");
      continue;
    }
    const members: MatchedSubscription[] = [];
    ctx.trie.match(message.topic, (sub) => {
      if (
        sub.filter === key && sub.clientId !== from &&
        ctx.sessions.has(sub.clientId)
      ) members.push(sub);
    });
    if (members.length === 0) {
      dropOrphan(ctx, from, key, message.topic);
      continue;
    }
    const chosen = members[pick(key, members.map((m) => m.clientId))] ??
      members[0];
    const s = ctx.sessions.get(chosen.clientId)!;
    const { options } = chosen;
    const qos = Math.min(message.qos, options.qos) as QoS;
    const retain = message.retain && options.retainAsPublished;
    const subscriptionIds = options.subscriptionId !== undefined
      ? [options.subscriptionId]
      : undefined;
    if (qos === 0) {
      deliverQoS0(ctx, s, message, retain, subscriptionIds);
      continue;
    }
    queueCopy(ctx, s, storedOf(message), qos, retain, subscriptionIds, key);
  }
}

function dropOrphan(
  ctx: Context,
  from: string,
  key: string,
  topic: string,
): void {
  ctx.counters.dropped++;
  ctx.metrics.inc("jetmq_queue_dropped_total");
  ctx.logger.warn("Shared subscription message dropped: no other member", {
    clientId: from,
    subscription: key,
    topic,
  });
}
