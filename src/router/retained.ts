/**
 * Retained messages sent to a session after its SUBACK.
 *
 * @module
 */

import type { Backend, Session, SubscriptionEntry } from "../backend/types.ts";
import type { QoS } from "../codec/types.ts";
import { isShared } from "../topic/mod.ts";

/**
 * For each granted entry, enqueue the retained messages matching its filter
 * with RETAIN set and QoS = min(stored, granted) [MQTT-3.3.1-6]
 * [MQTT-3.8.4-4]. v5 Retain Handling: 0 always, 1 only for a new
 * subscription, 2 never [MQTT-3.3.1-9] [MQTT-3.3.1-10] [MQTT-3.3.1-11].
 * Shared subscriptions get none. `ready`, when given, is awaited before
 * each message while the connection's output is full.
 */
export async function sendRetained(
  backend: Backend,
  session: Session,
  entries: readonly SubscriptionEntry[],
  existed: readonly boolean[],
  now: number,
  ready?: () => Promise<void> | undefined,
): Promise<void> {
  for (let i = 0; i < entries.length; i++) {
    const entry = entries[i];
    if (isShared(entry.filter)) continue;
    if (entry.retainHandling === 2) continue;
    if (entry.retainHandling === 1 && existed[i]) continue;
    const messages = await backend.retained(entry.filter);
    const subscriptionIds = entry.subscriptionId === undefined
      ? undefined
      : [entry.subscriptionId];
    for (const message of messages) {
      if (message.expiresAt !== undefined && message.expiresAt <= now) {
        continue;
      }
      const qos = Math.min(message.qos, entry.qos) as QoS;
      // Paced by the connection's output, so a burst is not dropped.
      const wait = ready?.();
      if (wait) await wait;
      await session.enqueue(message, { qos, retain: true, subscriptionIds });
    }
  }
}
