/**
 * Per-session fan-out, shared by every backend: from the subscriptions whose
 * filters matched a message's topic, compute the copies owed to sessions.
 * Pure; the caller supplies the subscription index and the choice of a shared
 * subscription member.
 *
 * @module
 */

import type { QoS } from "../codec/types.ts";
import type { Message, SubscriptionOptions } from "./types.ts";

/** A subscription that matched a message's topic. */
export interface MatchedSubscription {
  clientId: string;
  /** The filter as subscribed, `$share/<group>/<filter>` included. */
  filter: string;
  /** The share name, for a shared subscription. */
  group?: string;
  options: SubscriptionOptions;
}

/** One copy of a message owed to one session. */
export interface Copy {
  clientId: string;
  /** min(message QoS, highest granted QoS of the matching subscriptions). */
  qos: QoS;
  /** RETAIN flag to send (Retain As Published, else false). */
  retain: boolean;
  /** Every matching subscription identifier, in subscription order. */
  subscriptionIds?: number[];
  /** The shared filter this copy was chosen for, if any. */
  shared?: string;
}

/**
 * Picks the member of a shared subscription that gets the message. `key` is
 * the full `$share/<group>/<filter>`; `members` are client ids in a stable
 * order. Returns an index into `members`.
 */
export type PickMember = (key: string, members: readonly string[]) => number;

/**
 * Computes the copies of `message` owed to sessions, given every matching
 * subscription. A session gets ONE copy for all its non-shared subscriptions,
 * at the highest granted QoS capped by the message QoS [MQTT-3.3.4-2], with
 * every matching subscription identifier [MQTT-3.3.4-3]. No Local skips the
 * publisher's own subscriptions [MQTT-3.8.3-3]. RETAIN is kept only through
 * Retain As Published [MQTT-3.3.1-12] [MQTT-3.3.1-13], else cleared
 * [MQTT-3.3.1-9]. Each shared subscription yields one more copy, to the one
 * member `pick` chooses [MQTT-4.8.2-4].
 *
 * @example
 * ```ts
 * import { fanOut } from "./fanout.ts";
 * const options = {
 *   qos: 1 as const,
 *   noLocal: false,
 *   retainAsPublished: false,
 *   retainHandling: 0 as const,
 * };
 * const copies = fanOut(
 *   { topic: "a/b", payload: new Uint8Array(), qos: 2, retain: false },
 *   [
 *     { clientId: "c1", filter: "a/+", options },
 *     { clientId: "c1", filter: "a/#", options: { ...options, qos: 2 } },
 *   ],
 *   () => 0,
 * );
 * // copies: [{ clientId: "c1", qos: 2, retain: false }]
 * ```
 */
export function fanOut(
  message: Message,
  matches: Iterable<MatchedSubscription>,
  pick: PickMember,
): Copy[] {
  const copies = new Map<string, Copy>();
  let groups: Map<string, MatchedSubscription[]> | undefined;
  for (const match of matches) {
    if (match.group !== undefined) {
      groups ??= new Map();
      const members = groups.get(match.filter);
      if (members) members.push(match);
      else groups.set(match.filter, [match]);
      continue;
    }
    const { options } = match;
    if (options.noLocal && message.origin === match.clientId) continue;
    const qos = Math.min(message.qos, options.qos) as QoS;
    const retain = message.retain && options.retainAsPublished;
    const copy = copies.get(match.clientId);
    if (copy === undefined) {
      const fresh: Copy = { clientId: match.clientId, qos, retain };
      if (options.subscriptionId !== undefined) {
        fresh.subscriptionIds = [options.subscriptionId];
      }
      copies.set(match.clientId, fresh);
      continue;
    }
    if (qos > copy.qos) copy.qos = qos;
    if (retain) copy.retain = true;
    if (options.subscriptionId !== undefined) {
      (copy.subscriptionIds ??= []).push(options.subscriptionId);
    }
  }
  const out = [...copies.values()];
  if (groups) {
    for (const [key, members] of groups) {
      out.push(sharedCopy(message, key, members, pick));
    }
  }
  return out;
}

function sharedCopy(
  message: Message,
  key: string,
  members: MatchedSubscription[],
  pick: PickMember,
): Copy {
  const index = pick(key, members.map((m) => m.clientId));
  const chosen = members[index] ?? members[0];
  const { options } = chosen;
  const copy: Copy = {
    clientId: chosen.clientId,
    qos: Math.min(message.qos, options.qos) as QoS,
    retain: message.retain && options.retainAsPublished,
    shared: key,
  };
  if (options.subscriptionId !== undefined) {
    copy.subscriptionIds = [options.subscriptionId];
  }
  return copy;
}

/**
 * Round-robin choice preferring online members: starting at `start`, the
 * first member for which `online` is true, else the member at `start`.
 * Returns an index into `members`.
 *
 * @example
 * ```ts
 * import { pickOnline } from "./fanout.ts";
 * pickOnline(["a", "b", "c"], 1, (id) => id !== "b"); // 2
 * ```
 */
export function pickOnline<T>(
  members: readonly T[],
  start: number,
  online: (member: T) => boolean,
): number {
  const n = members.length;
  for (let i = 0; i < n; i++) {
    const index = (start + i) % n;
    if (online(members[index])) return index;
  }
  return start % n;
}
