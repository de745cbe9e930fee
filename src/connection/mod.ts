/**
 * The per-connection pipeline: CONNECT handshake, keep-alive, flow control,
 * topic aliases, one `handle_<packet>.ts` per packet type. Imports `codec`,
 * `topic`, the `router` interface, `auth` and `observability` types.
 *
 * @module
 */

export { serveConnection } from "./serve_connection.ts";
export { createShutdownGroup, type ShutdownGroup } from "./shutdown_group.ts";
export type { ConnectionOptions, Limits } from "./types.ts";
