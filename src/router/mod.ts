/**
 * The router: cross-connection state (sessions and takeover, wills,
 * retained-on-subscribe) over a `Backend`. Imports `backend/types.ts` (never
 * a concrete backend), `topic`, `observability` and `codec` types.
 *
 * @module
 */

export { createRouter, defaultSetTimer } from "./create_router.ts";
export { willToMessage } from "./wills.ts";
export type {
  Attachment,
  AttachOptions,
  ConnectionHandle,
  ReleaseOptions,
  Router,
  RouterOptions,
  SetTimer,
} from "./types.ts";
