/**
 * Per-client permission rules from one configured set: a filter level that
 * is exactly `%c` stands for the client identifier, `%u` for the user name
 * (as mosquitto's `pattern` rules), so `devices/%c/#` gives every device its
 * own subtree.
 *
 * @module
 */

import type { PermissionRules, TopicRules } from "./types.ts";

/** Who a client is, for `%c` and `%u`. */
export interface Identity {
  clientId: string;
  username?: string;
}

/** Filters of `rules` use `%c` or `%u` as a level. */
function usesIdentity(rules: PermissionRules): boolean {
  for (const r of [rules.publish, rules.subscribe]) {
    for (const f of [...(r?.allow ?? []), ...(r?.deny ?? [])]) {
      if (/(^|\/)%[cu](\/|$)/.test(f)) return true;
    }
  }
  return false;
}

/**
 * A value that may stand for one level: not empty, no `/`, `+` or `#`
 * (else a client named `a/b` would reach into client `a`'s subtree, and
 * `+` would widen the rule).
 */
function levelValue(value: string | undefined): string | undefined {
  return value && !/[/+#]/.test(value) ? value : undefined;
}

function substitute(
  filters: readonly string[] | undefined,
  who: { c?: string; u?: string },
  failClosed: boolean,
): readonly string[] | undefined {
  if (filters === undefined) return undefined;
  const out: string[] = [];
  for (const filter of filters) {
    let usable = true;
    const levels = filter.split("/").map((level) => {
      if (level !== "%c" && level !== "%u") return level;
      const value = level === "%c" ? who.c : who.u;
      if (value === undefined) usable = false;
      return value ?? level;
    });
    // An allow rule that cannot apply grants nothing; a deny rule that
    // cannot apply denies everything (fail closed).
    if (usable) out.push(levels.join("/"));
    else if (failClosed) out.push("#");
  }
  return out;
}

function rulesFor(
  rules: TopicRules | undefined,
  who: { c?: string; u?: string },
): TopicRules | undefined {
  if (rules === undefined) return undefined;
  return {
    ...(rules.allow ? { allow: substitute(rules.allow, who, false) } : {}),
    ...(rules.deny ? { deny: substitute(rules.deny, who, true) } : {}),
  };
}

/**
 * `rules` for this client: `%c` / `%u` levels replaced by its identifier and
 * user name. A rule whose value is missing or unusable as a level (empty,
 * or containing `/`, `+`, `#`) grants nothing if it is an allow rule and
 * denies every topic if it is a deny rule. Rules without `%c` / `%u` are
 * returned as they are.
 *
 * @example
 * ```ts
 * import { withIdentity } from "./identity_rules.ts";
 * withIdentity({ publish: { allow: ["devices/%c/#"] } }, { clientId: "d1" });
 * // { publish: { allow: ["devices/d1/#"] } }
 * ```
 */
export function withIdentity(
  rules: PermissionRules | undefined,
  identity: Identity,
): PermissionRules | undefined {
  if (rules === undefined || !usesIdentity(rules)) return rules;
  const who = {
    c: levelValue(identity.clientId),
    u: levelValue(identity.username),
  };
  return {
    ...(rules.publish ? { publish: rulesFor(rules.publish, who) } : {}),
    ...(rules.subscribe ? { subscribe: rulesFor(rules.subscribe, who) } : {}),
  };
}
