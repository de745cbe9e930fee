/**
 * Reader of topic permissions (`auth.users[i].permissions`,
 * `auth.anonymousPermissions`). Private to `config/`.
 *
 * @module
 */

import { plainFilterProblem } from "../topic/mod.ts";
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
      const problem = plainFilterProblem(filter);
      if (problem === undefined) filters.push(filter as string);
      else issues.push({ path: join(join(path, key), i), message: problem });
    });
    rules[key] = filters;
  }
  return rules;
}
