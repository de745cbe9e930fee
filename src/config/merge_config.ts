/**
 * `mergeConfig`: layering of configuration inputs. The CLI resolves the
 * layers (file, env, flags); this is only the pure merge.
 *
 * @module
 */

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function mergeTwo(base: unknown, over: unknown): unknown {
  if (over === undefined) return base;
  if (!isPlainObject(base) || !isPlainObject(over)) return over;
  const out: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(over)) {
    out[key] = mergeTwo(base[key], value);
  }
  return out;
}

/**
 * Merges configuration layers, lowest precedence first (file, env, flags):
 * objects merge key by key, anything else (arrays included) is replaced by
 * the later layer, `undefined` leaves the earlier value. Defaults are not a
 * layer: `parseConfig` applies them. Inputs are not modified.
 *
 * @example
 * ```ts
 * import { mergeConfig } from "./merge_config.ts";
 * const file = { log: { level: "warn", format: "json" }, data: "/var/lib/jetmq" };
 * const env = { log: { level: "debug" } };
 * const flags = { data: undefined };
 * mergeConfig([file, env, flags]);
 * // { log: { level: "debug", format: "json" }, data: "/var/lib/jetmq" }
 * ```
 */
export function mergeConfig(layers: readonly unknown[]): unknown {
  let merged: unknown = undefined;
  for (const layer of layers) merged = mergeTwo(merged, layer);
  return merged;
}
