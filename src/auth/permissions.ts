/**
 * `createPermissions`: a client's topic permissions (publish and subscribe
 * allow/deny lists of MQTT topic filters) as three checks the connection
 * makes: on PUBLISH, on each SUBSCRIBE filter and on each delivery.
 *
 * @module
 */

import {
  filterCovers,
  filtersOverlap,
  matches,
  parseShared,
  plainFilterProblem,
} from "../topic/mod.ts";
import type { PermissionRules, TopicRules } from "./types.ts";

/**
 * The verdict on one SUBSCRIBE filter: granted, refused, or granted with
 * deliveries on denied topics dropped (a deny filter narrower than it).
 */
export type SubscribeVerdict = "yes" | "no" | "filtered";

/** A client's topic permissions. Pure; allocates nothing per message. */
export interface Permissions {
  /** True when nothing is restricted: the checks always allow. */
  readonly unrestricted: boolean;
  /** Whether the client may publish to topic name `topic`. */
  canPublish(topic: string): boolean;
  /** Whether the client may subscribe to `filter` (shared: its inner filter). */
  canSubscribe(filter: string): SubscribeVerdict;
  /** Whether a message on `topic` may be delivered to the client. */
  canReceive(topic: string): boolean;
}

/** The permissions of a client without rules: everything allowed. */
export const ALLOW_ALL: Permissions = Object.freeze({
  unrestricted: true,
  canPublish: () => true,
  canSubscribe: () => "yes" as const,
  canReceive: () => true,
});

/**
 * Why `filter` cannot be a permission entry, or undefined when it can: it
 * must be a valid topic filter and not a shared subscription (rules apply to
 * the filter inside `$share/<group>/`). See `plainFilterProblem`.
 */
export const permissionFilterProblem: (filter: unknown) => string | undefined =
  plainFilterProblem;

function list(
  rules: TopicRules | undefined,
  key: "allow" | "deny",
): readonly string[] | undefined {
  const filters = rules?.[key];
  if (filters === undefined) return undefined;
  filters.forEach((filter, i) => {
    const problem = permissionFilterProblem(filter);
    if (problem !== undefined) {
      throw new TypeError(
        `Cannot use permission ${key}[${i}] ${
          JSON.stringify(filter)
        }: ${problem}`,
      );
    }
  });
  return filters.slice();
}

function anyMatch(filters: readonly string[], topic: string): boolean {
  for (let i = 0; i < filters.length; i++) {
    if (matches(filters[i], topic)) return true;
  }
  return false;
}

/** Allowed by `allow` (or no list) and not denied. */
function topicCheck(
  allow: readonly string[] | undefined,
  deny: readonly string[] | undefined,
): (topic: string) => boolean {
  if (allow === undefined && (deny === undefined || deny.length === 0)) {
    return ALLOW_ALL.canPublish;
  }
  return (topic) =>
    (allow === undefined || anyMatch(allow, topic)) &&
    (deny === undefined || !anyMatch(deny, topic));
}

/**
 * Compiles permission rules (`undefined`: `ALLOW_ALL`). Publish: allowed iff
 * the topic matches some `publish.allow` filter (or there is no such list)
 * and no `publish.deny` filter. Subscribe: "no" unless the filter is covered
 * by some `subscribe.allow` filter (or there is no such list), "no" if a
 * `subscribe.deny` filter covers it, "filtered" if one only overlaps it,
 * else "yes". A delivery is allowed iff its topic matches some
 * `subscribe.allow` filter (or no list) and no `subscribe.deny` filter, so a
 * "filtered" subscription, or one restored from a session made under other
 * rules, never delivers a denied topic. Filters match as in subscriptions:
 * a leading `+` or `#` does not match `$` topics [MQTT-4.7.2-1]. Throws
 * `TypeError` for an entry that is not a valid, non-shared topic filter.
 *
 * @example
 * ```ts
 * import { createPermissions } from "./permissions.ts";
 * const p = createPermissions({
 *   publish: { allow: ["sensors/#"] },
 *   subscribe: { deny: ["a/secret"] },
 * });
 * p.canPublish("sensors/1"); // true
 * p.canPublish("actuators/1"); // false
 * p.canSubscribe("a/secret"); // "no"
 * p.canSubscribe("a/#"); // "filtered"
 * p.canReceive("a/secret"); // false
 * ```
 */
export function createPermissions(rules?: PermissionRules): Permissions {
  if (rules === undefined) return ALLOW_ALL;
  const pubAllow = list(rules.publish, "allow");
  const pubDeny = list(rules.publish, "deny");
  const subAllow = list(rules.subscribe, "allow");
  const subDeny = list(rules.subscribe, "deny");
  const canPublish = topicCheck(pubAllow, pubDeny);
  const canReceive = topicCheck(subAllow, subDeny);
  if (canPublish === ALLOW_ALL.canPublish && canReceive === canPublish) {
    return ALLOW_ALL;
  }
  return {
    unrestricted: false,
    canPublish,
    canReceive,
    canSubscribe(filter) {
      const inner = parseShared(filter)?.filter ?? filter;
      if (subAllow && !subAllow.some((a) => filterCovers(a, inner))) {
        return "no";
      }
      if (!subDeny) return "yes";
      if (subDeny.some((d) => filterCovers(d, inner))) return "no";
      return subDeny.some((d) => filtersOverlap(d, inner)) ? "filtered" : "yes";
    },
  };
}
