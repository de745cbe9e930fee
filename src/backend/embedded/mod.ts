/**
 * The embedded backend: in-process routing over the subscription trie and
 * durable state (sessions, queues, in-flight and QoS 2 state, retained
 * messages) in SQLite through `node:sqlite`. Imports `backend/types.ts`,
 * `backend/fanout.ts`, `topic` and `observability` types only.
 *
 * @module
 */

export {
  createEmbeddedBackend,
  type EmbeddedBackendOptions,
} from "./embedded_backend.ts";
