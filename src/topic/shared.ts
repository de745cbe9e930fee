/**
 * Shared subscriptions: `$share/<group>/<filter>` ([MQTT-4.8.2]).
 *
 * @module
 */

import { SHARED_PREFIX, validateFilter } from "./validate.ts";

/** The parts of a shared subscription filter. */
export interface SharedFilter {
  /** The ShareName. */
  group: string;
  /** The topic filter messages are matched against. */
  filter: string;
}

/**
 * Splits a shared subscription filter into group and filter. Returns
 * `undefined` when `filter` is not shared or is not a valid shared filter
 * (empty group, `+ # /` in the group, missing or invalid filter)
 * [MQTT-4.8.2-1] [MQTT-4.8.2-2]. Use `isShared` to tell the two apart.
 *
 * @example
 * ```ts
 * import { parseShared } from "./shared.ts";
 * parseShared("$share/workers/jobs/#"); // { group: "workers", filter: "jobs/#" }
 * parseShared("jobs/#"); // undefined
 * ```
 */
export function parseShared(filter: string): SharedFilter | undefined {
  if (!filter.startsWith(SHARED_PREFIX) || !validateFilter(filter)) {
    return undefined;
  }
  const slash = filter.indexOf("/", SHARED_PREFIX.length);
  return {
    group: filter.slice(SHARED_PREFIX.length, slash),
    filter: filter.slice(slash + 1),
  };
}

/**
 * Whether `filter` uses the shared subscription syntax (starts with
 * `$share/`), valid or not.
 *
 * @example
 * ```ts
 * import { isShared } from "./shared.ts";
 * isShared("$share/g/a"); // true
 * isShared("$shared/a"); // false
 * ```
 */
export function isShared(filter: string): boolean {
  return filter.startsWith(SHARED_PREFIX);
}

/**
 * Why `filter` is not a valid plain (non-shared) topic filter, or undefined
 * when it is one: a string [MQTT-4.7.1-2] [MQTT-4.7.1-3], valid, and not
 * `$share/<group>/…`. Permission rules are such filters.
 *
 * @example
 * ```ts
 * import { plainFilterProblem } from "./shared.ts";
 * plainFilterProblem("a/#"); // undefined
 * plainFilterProblem("a/#/b"); // "not a valid topic filter"
 * ```
 */
export function plainFilterProblem(filter: unknown): string | undefined {
  if (typeof filter !== "string") return "must be a topic filter string";
  if (!validateFilter(filter)) return "not a valid topic filter";
  if (isShared(filter)) return "must not be a shared subscription filter";
  return undefined;
}
