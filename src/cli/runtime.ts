/**
 * Picks the runtime adapter once, at start-up, from the globals the runtime
 * defines. The only place that decides between Deno and Bun.
 *
 * @module
 */

import type { Runtime } from "../transport/types.ts";
import { createBunRuntime } from "../transport/bun/mod.ts";
import { createDenoRuntime } from "../transport/deno/mod.ts";

/** The name and version of the runtime running us. */
export function runtimeInfo(): { name: "deno" | "bun"; version: string } {
  const g = globalThis as {
    Bun?: { version: string };
    Deno?: { version: { deno: string } };
  };
  if (g.Bun) return { name: "bun", version: g.Bun.version };
  if (g.Deno) return { name: "deno", version: g.Deno.version.deno };
  throw new TypeError("Cannot run jetmq: neither Deno nor Bun detected");
}

/** The `Runtime` adapter for the runtime running us. */
export function pickRuntime(): Runtime {
  return runtimeInfo().name === "bun"
    ? createBunRuntime()
    : createDenoRuntime();
}
