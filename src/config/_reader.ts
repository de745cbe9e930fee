/**
 * Field readers that collect every problem instead of stopping at the first.
 * Private to `config/`.
 *
 * @module
 */

import type { ConfigIssue } from "./errors.ts";

/** A plain object under validation. */
export type Fields = Record<string, unknown>;

/** `a.b` / `a[1]` paths. */
export function join(path: string, key: string | number): string {
  if (typeof key === "number") return `${path}[${key}]`;
  return path === "" ? key : `${path}.${key}`;
}

/** Whether `value` is a plain object (not an array, not null). */
export function isObject(value: unknown): value is Fields {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * Reads a section: `undefined` is `{}`; a non-object or an unknown key is an
 * issue (unknown keys are usually typos).
 */
export function readObject(
  value: unknown,
  path: string,
  keys: readonly string[],
  issues: ConfigIssue[],
): Fields {
  if (value === undefined) return {};
  if (!isObject(value)) {
    issues.push({ path, message: "must be an object" });
    return {};
  }
  for (const key of Object.keys(value)) {
    if (!keys.includes(key)) {
      issues.push({ path: join(path, key), message: "unknown key" });
    }
  }
  return value;
}

/** Reads an integer in `min..max`; numeric strings are accepted (env). */
export function readInt(
  fields: Fields,
  key: string,
  path: string,
  range: { min: number; max: number; fallback: number },
  issues: ConfigIssue[],
): number {
  let value = fields[key];
  if (value === undefined) return range.fallback;
  if (typeof value === "string" && /^-?\d+$/.test(value.trim())) {
    value = Number(value.trim());
  }
  if (
    typeof value !== "number" || !Number.isSafeInteger(value) ||
    value < range.min || value > range.max
  ) {
    const max = range.max === Number.MAX_SAFE_INTEGER ? "" : String(range.max);
    issues.push({
      path: join(path, key),
      message: `must be an integer ${range.min}..${max}`,
    });
    return range.fallback;
  }
  return value;
}

/** Reads a boolean; `"true"`/`"false"`/`"1"`/`"0"` are accepted (env). */
export function readBool(
  fields: Fields,
  key: string,
  path: string,
  fallback: boolean,
  issues: ConfigIssue[],
): boolean {
  const value = fields[key];
  if (value === undefined) return fallback;
  if (typeof value === "boolean") return value;
  if (value === "true" || value === "1") return true;
  if (value === "false" || value === "0") return false;
  issues.push({ path: join(path, key), message: "must be true or false" });
  return fallback;
}

/** Reads a string; `nonEmpty` refuses `""`. Returns `fallback` if absent. */
export function readString<T extends string | undefined>(
  fields: Fields,
  key: string,
  path: string,
  options: { fallback: T; nonEmpty?: boolean },
  issues: ConfigIssue[],
): string | T {
  const value = fields[key];
  if (value === undefined) return options.fallback;
  if (typeof value !== "string" || (options.nonEmpty && value === "")) {
    issues.push({
      path: join(path, key),
      message: options.nonEmpty
        ? "must be a non-empty string"
        : "must be a string",
    });
    return options.fallback;
  }
  return value;
}

/** Adds a "required" issue for each of `keys` absent from `fields`. */
export function requireKeys(
  fields: Fields,
  keys: readonly string[],
  path: string,
  issues: ConfigIssue[],
): void {
  for (const key of keys) {
    if (fields[key] === undefined) {
      issues.push({ path: join(path, key), message: "required" });
    }
  }
}

/** Reads one of `choices`. */
export function readEnum<T extends string>(
  fields: Fields,
  key: string,
  path: string,
  choices: readonly T[],
  fallback: T,
  issues: ConfigIssue[],
): T {
  const value = fields[key];
  if (value === undefined) return fallback;
  if (typeof value !== "string" || !choices.includes(value as T)) {
    issues.push({
      path: join(path, key),
      message: `must be one of ${choices.map((c) => `"${c}"`).join(", ")}`,
    });
    return fallback;
  }
  return value as T;
}

/** Reads an array; a non-array is an issue and reads as `undefined`. */
export function readArray(
  fields: Fields,
  key: string,
  path: string,
  issues: ConfigIssue[],
): unknown[] | undefined {
  const value = fields[key];
  if (value === undefined) return undefined;
  if (!Array.isArray(value)) {
    issues.push({ path: join(path, key), message: "must be an array" });
    return undefined;
  }
  return value;
}

/** Freezes `value` and everything reachable from it. */
export function deepFreeze<T>(value: T): T {
  if (typeof value === "object" && value !== null && !Object.isFrozen(value)) {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}
