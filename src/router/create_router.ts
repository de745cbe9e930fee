/**
 * `createRouter`: sessions and takeover on this instance, wills, and the
 * way from connections to the backend.
 *
 * @module
 */

import {
  type Message,
  QuotaExceededError,
  type Session,
} from "../backend/types.ts";
import type { Will } from "../codec/types.ts";
import { MqttError } from "../codec/errors.ts";
import { ReasonCode } from "../codec/reason_codes.ts";
import type {
  Attachment,
  AttachOptions,
  ConnectionHandle,
  Router,
  RouterOptions,
  SetTimer,
} from "./types.ts";
import { sendRetained } from "./retained.ts";
import { createWillScheduler } from "./wills.ts";

/** The default timer: `setTimeout`. */
export const defaultSetTimer: SetTimer = (callback, ms) => {
  const id = setTimeout(callback, ms);
  return () => clearTimeout(id);
};

interface Live {
  readonly clientId: string;
  readonly handle: ConnectionHandle;
  readonly will?: Will;
  /** Expiry requested at CONNECT; used if the session is taken over. */
  readonly expiry: number;
  released: boolean;
}

/**
 * Builds the router over `options.backend`.
 *
 * @example
 * ```ts ignore
 * const router = createRouter({ backend, logger, metrics });
 * // … serveConnection(conn, { router, … }) per connection …
 * await router.close();
 * ```
 */
export function createRouter(options: RouterOptions): Router {
  const { backend, logger, metrics } = options;
  const now = options.now ?? Date.now;
  const setTimer = options.setTimer ?? defaultSetTimer;
  const live = new Map<string, Live>();
  const opening = new Map<string, Promise<unknown>>();
  const wills = createWillScheduler({
    publish: async (m) => {
      try {
        await backend.publish(m);
      } catch (err) {
        // Nobody can be told a Will was refused: over a retained quota it
        // is routed, not retained.
        if (!(err instanceof QuotaExceededError)) throw err;
        await backend.publish({ ...m, retain: false });
      }
    },
    now,
    setTimer,
    logger,
    metrics,
  });
  const idPrefix = `jetmq-${randomHex()}-`;
  let assigned = 0;

  /** The session of `entry` ends without a normal DISCONNECT. */
  const abnormalEnd = (entry: Live, expiry: number): Promise<void> =>
    entry.will
      ? wills.schedule(entry.clientId, entry.will, expiry)
      : Promise.resolve();

  const forget = (entry: Live): void => {
    entry.released = true;
    if (live.get(entry.clientId) === entry) live.delete(entry.clientId);
    metrics.set("jetmq_sessions_connected", live.size);
  };

  const takeover = (entry: Live): void => {
    if (entry.released) return;
    forget(entry);
    metrics.inc("jetmq_sessions_taken_over_total");
    logger.info("Session taken over", { clientId: entry.clientId });
    // Its connection gets CONNACK before the takeover closes it, so its
    // Will is in force even if its session was never opened [MQTT-3.1.4-3].
    abnormalEnd(entry, entry.expiry);
    entry.handle.takeover();
  };

  /** Wait for `before`, then open; a taken-over entry does not keep it. */
  const openInOrder = async (
    before: Promise<unknown> | undefined,
    entry: Live,
    opts: AttachOptions,
  ): Promise<Session> => {
    if (before) await before.catch(() => {/* its own caller handles it */});
    const takenOver = () =>
      new MqttError(
        ReasonCode.SessionTakenOver,
        "Cannot attach session: taken over while opening [MQTT-3.1.4-3]",
      );
    if (entry.released) throw takenOver();
    const session = await backend.openSession({
      clientId: opts.clientId,
      clean: opts.clean,
      expiry: opts.expiry,
      window: opts.window,
      sink: opts.sink,
      onTakeover: () => takeover(entry),
    });
    if (entry.released) {
      // Taken over while opening: hand the session back before the next
      // connection opens it.
      await session.detach(opts.expiry).catch((err) =>
        logger.error("Cannot detach session", { error: String(err) })
      );
      throw takenOver();
    }
    return session;
  };

  return {
    backend,
    now,
    setTimer,
    assignClientId: () => idPrefix + (++assigned).toString(36),
    async attach(opts: AttachOptions): Promise<Attachment> {
      const { clientId } = opts;
      const previous = live.get(clientId);
      if (previous) takeover(previous);
      wills.reattach(clientId, opts.clean);
      const entry: Live = {
        clientId,
        handle: opts.handle,
        will: opts.will,
        expiry: opts.expiry,
        released: false,
      };
      live.set(clientId, entry);
      metrics.set("jetmq_sessions_connected", live.size);
      // Opens of one client id run in order, so a slow earlier open can
      // never take the session from a later connection.
      const before = opening.get(clientId);
      const open = openInOrder(before, entry, opts);
      opening.set(clientId, open);
      let session;
      try {
        session = await open;
      } catch (err) {
        forget(entry);
        throw err;
      } finally {
        if (opening.get(clientId) === open) opening.delete(clientId);
      }
      return {
        session,
        async release({ expiry, publishWill }) {
          if (entry.released) return;
          forget(entry);
          // The next open of this id waits until the session is detached: a
          // reconnect right after DISCONNECT must not race the detach.
          const done = (async () => {
            if (publishWill) await abnormalEnd(entry, expiry);
            await session.detach(expiry);
          })();
          opening.set(clientId, done);
          try {
            await done;
          } finally {
            if (opening.get(clientId) === done) opening.delete(clientId);
          }
        },
      };
    },
    publish(message: Message): Promise<number | void> {
      try {
        return backend.publish(message);
      } catch (err) {
        // A backend that throws synchronously still fails one message only.
        return Promise.reject(err);
      }
    },
    sendRetained: (session, entries, existed, ready) =>
      sendRetained(backend, session, entries, existed, now(), ready),
    async close() {
      await wills.close();
    },
  };
}

function randomHex(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(4));
  let s = "";
  for (const b of bytes) s += b.toString(16).padStart(2, "0");
  return s;
}
