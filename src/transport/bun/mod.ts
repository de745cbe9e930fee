/**
 * The Bun runtime adapter. May import only `transport/types.ts` and Bun.
 *
 * @module
 */

import type { Runtime } from "../types.ts";
import { listenBun } from "./listen.ts";
import { serveHttpBun } from "./http.ts";

export { serveHttpBun } from "./http.ts";
export { listenBun } from "./listen.ts";

/** The `Runtime` implementation for Bun. */
export function createBunRuntime(): Runtime {
  return { name: "bun", listen: listenBun, serveHttp: serveHttpBun };
}
