/**
 * Reader of topic permissions (`auth.users[i].permissions`,
 * `auth.anonymousPermissions`). Private to `config/`.
 *
 * @module
 */

import { isShared, validateFilter } from "../topic/mod.ts";
import type { ConfigIssue } from "./errors.ts";
import type { PermissionsConfig, TopicRulesConfig } from "./schema.ts";
import { join, readArray, readObject } from "./_reader.ts";

/** `{ publish?: { allow?, deny? }, subscribe?: { allow?, deny? } }`. */
export function parsePermissions(
  value: unknown,
  path: string,
  issues: ConfigIssue[],
): PermissionsConfig {
  const f = readObject(value, path, ["publish", "subscribe"], issues);
  const permissions: PermissionsConfig = {};
  for (const action of ["publish", "subscribe"] as const) {
    if (f[action] === undefined) continue;
    permissions[action] = parseRules(f[action], join(path, action), issues);
  }
  return permissions;
}

function parseRules(
  value: unknown,
  path: string,
  issues: ConfigIssue[],
): TopicRulesConfig {
  const f = readObject(value, path, ["allow", "deny"], issues);
  const rules: TopicRulesConfig = {};
  for (const key of ["allow", "deny"] as const) {
    const list = readArray(f, key, path, issues);
    if (list === undefined) continue;
    const filters: string[] = [];
    list.forEach((filter, i) => {
      const problem = filterProblem(filter);
      if (problem === undefined) filters.push(filter as string);
      else issues.push({ path: join(join(path, key), i), message: problem });
    });
    rules[key] = filters;
  }
  return rules;
}

function filterProblem(filter: unknown): string | undefined {
  if (typeof filter !== "string") return "must be a topic filter string";
  // [MQTT-4.7.1-2] [MQTT-4.7.1-3] [MQTT-4.7.3-1]
  if (!validateFilter(filter)) return "not a valid topic filter";
  // Rules apply to the filter inside `$share/<group>/`.
  if (isShared(filter)) return "must not be a shared subscription filter";
  return undefined;
}
