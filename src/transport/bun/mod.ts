/**
 * The Bun runtime adapter. May import only `transport/types.ts` and Bun.
 *
 * @module
 */

import type { Runtime } from "../types.ts";
import { listenBun } from "./listen.ts";
import { listenBunWebSocket } from "./websocket.ts";
import { serveHttpBun } from "./http.ts";

export { serveHttpBun } from "./http.ts";
export { listenBun } from "./listen.ts";
export { listenBunWebSocket } from "./websocket.ts";

/** The `Runtime` implementation (TCP, TLS, ws, wss, HTTP) for Bun. */
export function createBunRuntime(): Runtime {
  return {
    name: "bun",
    listen: (options) =>
      options.websocket ? listenBunWebSocket(options) : listenBun(options),
    serveHttp: serveHttpBun,
  };
}
