/**
 * In-process transport for tests: connected `Conn` pairs and a listener fed
 * by `connect()`. Imports only `transport/types.ts`.
 *
 * @module
 */

export { createMemoryPair, type MemoryPairOptions } from "./pair.ts";
export { createMemoryListener, type MemoryListener } from "./listener.ts";
