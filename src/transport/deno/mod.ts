/**
 * The Deno runtime adapter. May import only `transport/types.ts` and Deno.
 *
 * @module
 */

import type { Runtime } from "../types.ts";
import { listenDeno } from "./listen.ts";
import { listenDenoWebSocket } from "./websocket.ts";
import { serveHttpDeno } from "./http.ts";

export { serveHttpDeno } from "./http.ts";
export { listenDeno, wrapDenoConn } from "./listen.ts";

/** The `Runtime` implementation (TCP, TLS, ws, wss, HTTP) for Deno. */
export function createDenoRuntime(): Runtime {
  return {
    name: "deno",
    listen: (options) =>
      options.websocket ? listenDenoWebSocket(options) : listenDeno(options),
    serveHttp: serveHttpDeno,
  };
}
