/**
 * The router: cross-connection state (sessions, takeover, wills, fan-out)
 * over a `Backend`. Built by `createRouter(options)` in `mod.ts`.
 *
 * @module
 */

import type {
  Backend,
  Message,
  OpenSessionOptions,
  Session,
  SubscriptionEntry,
} from "../backend/types.ts";
import type { Will } from "../codec/types.ts";
import type { Logger, Metrics } from "../observability/types.ts";

/**
 * Starts a one-shot timer and returns its cancel function. Injected so tests
 * drive keep-alive, connect timeouts and will delays without sleeping.
 */
export type SetTimer = (callback: () => void, ms: number) => () => void;

/** Options of `createRouter`. */
export interface RouterOptions {
  backend: Backend;
  logger: Logger;
  metrics: Metrics;
  /** Injected clock (ms since epoch). */
  now?: () => number;
  /** Injected timer (default `setTimeout`). */
  setTimer?: SetTimer;
}

/** What the router asks of a live connection. */
export interface ConnectionHandle {
  /**
   * Another connection took the session over ([MQTT-3.1.4-3]): close now
   * (v5: DISCONNECT 0x8E). The router has already dealt with the will and
   * the session; the connection must not release it again.
   */
  takeover(): void;
}

/** Options of `Router.attach`. */
export interface AttachOptions extends Omit<OpenSessionOptions, "onTakeover"> {
  /** The Will of the attaching connection, if any. */
  will?: Will;
  handle: ConnectionHandle;
}

/** Options of `Attachment.release`. */
export interface ReleaseOptions {
  /** Session expiry in seconds from now (it may have changed on DISCONNECT). */
  expiry: number;
  /** False after a normal DISCONNECT [MQTT-3.1.2-10]; true otherwise. */
  publishWill: boolean;
}

/** One connection's hold on its session. */
export interface Attachment {
  readonly session: Session;
  /** The connection ended: deal with the will, then detach the session. */
  release(options: ReleaseOptions): Promise<void>;
}

/**
 * What connections use. The router helper owns the full shape; `close` is
 * what the composition root needs.
 */
export interface Router {
  readonly backend: Backend;
  /** The injected clock (ms since epoch). */
  readonly now: () => number;
  /** The injected timer. */
  readonly setTimer: SetTimer;
  /** A fresh, unique client identifier for an empty CONNECT one. */
  assignClientId(): string;
  /**
   * Open (or take over) the session of `clientId`: a live connection with
   * the same id on this instance is closed first, and a pending delayed Will
   * of that id is cancelled (or published when the new connection starts
   * clean) [MQTT-3.1.3-9].
   */
  attach(options: AttachOptions): Promise<Attachment>;
  /**
   * Route one message (resolves once durable); resolves `0` when the
   * backend knows nobody got a copy (see `Backend.publish`).
   */
  publish(message: Message): Promise<number | void>;
  /**
   * Send retained messages after a SUBACK ([MQTT-3.3.1-6]), honouring v5
   * Retain Handling; never for shared subscriptions. `ready` paces the
   * sending: it returns a promise while the connection's output is full.
   */
  sendRetained(
    session: Session,
    entries: readonly SubscriptionEntry[],
    existed: readonly boolean[],
    ready?: () => Promise<void> | undefined,
  ): Promise<void>;
  /** Publish pending wills whose delay elapsed, stop timers. */
  close(): Promise<void>;
}
