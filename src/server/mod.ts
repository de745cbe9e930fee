/**
 * The composition root: wiring only. May import all of `src/` but `cli`;
 * nothing imports it but `cli`.
 *
 * @module
 */

export { createServer, type CreateServerOptions } from "./create_server.ts";
export {
  type BoundListener,
  type ListenerSpec,
  type Server,
  startServer,
  type StartServerOptions,
} from "./start_server.ts";
