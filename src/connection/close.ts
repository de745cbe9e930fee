/**
 * Ending a connection: the one way out, whoever asks (protocol error,
 * keep-alive, takeover, shutdown, DISCONNECT, end of input).
 *
 * @module
 */

import { MqttError } from "../codec/errors.ts";
import { ReasonCode } from "../codec/reason_codes.ts";
import { PacketType } from "../codec/types.ts";
import type { ConnectionState } from "./state.ts";

/** How long closing waits for the last packets to be taken, in ms. */
const CLOSE_FLUSH_MS = 2000;

/** How a connection ends. */
export interface CloseOptions {
  /**
   * v5 only: send DISCONNECT with this code first (after CONNECT was
   * read). 3.1/3.1.1 just close the network connection.
   */
  reasonCode?: ReasonCode;
  reasonString?: string;
  /** Publish the Will (everything but a normal DISCONNECT). */
  publishWill: boolean;
  /** The session was taken over: do not release it again. */
  takenOver?: boolean;
  /** Session expiry to use instead of the one in force (v5 DISCONNECT). */
  sessionExpiry?: number;
}

/** Close with the code an error carries (MqttError), else as a failure. */
export function closeWithError(
  st: ConnectionState,
  err: unknown,
): Promise<void> {
  if (err instanceof MqttError) {
    return closeConnection(st, {
      reasonCode: err.reasonCode,
      reasonString: err.message,
      publishWill: true,
    });
  }
  return closeConnection(st, {
    reasonCode: ReasonCode.UnspecifiedError,
    publishWill: true,
  });
}

/**
 * Close the connection once; later calls return the same `closed` promise.
 * Sends the v5 DISCONNECT, releases the session (will, expiry), flushes and
 * closes the transport. Never rejects.
 */
export function closeConnection(
  st: ConnectionState,
  options: CloseOptions,
): Promise<void> {
  const phase = st.phase;
  if (phase.name === "closing") return st.closed;
  st.phase = {
    name: "closing",
    was: phase.name === "connected" ? "connected" : "other",
  };
  st.cancelTimer?.();
  st.cancelTimer = undefined;
  st.logger.debug("Closing connection", {
    clientId: phase.name === "connected" ? phase.clientId : undefined,
    reasonCode: options.reasonCode,
    reasonString: options.reasonString,
  });
  if (
    st.version === 5 && options.reasonCode !== undefined &&
    // No DISCONNECT before a successful CONNACK [MQTT-3.14.0-1]; earlier
    // failures are told by CONNACK.
    phase.name === "connected"
  ) {
    const properties = options.reasonString !== undefined
      ? { reasonString: options.reasonString }
      : undefined;
    st.out.write({
      type: PacketType.DISCONNECT,
      reasonCode: options.reasonCode,
      properties,
    });
  }
  const release = phase.name === "connected" && !options.takenOver
    ? phase.attachment.release({
      expiry: options.sessionExpiry ?? phase.sessionExpiry,
      publishWill: options.publishWill,
    })
    : Promise.resolve();
  finish(st, release);
  return st.closed;
}

async function finish(
  st: ConnectionState,
  release: Promise<void>,
): Promise<void> {
  // A peer that stopped reading must not hold the socket open: give the
  // last packets (DISCONNECT, CONNACK) a bounded time to leave.
  let cancel: (() => void) | undefined;
  const timeout = new Promise<void>((resolve) => {
    cancel = st.setTimer(resolve, CLOSE_FLUSH_MS);
  });
  try {
    await Promise.race([st.out.flush(), timeout]);
  } catch {
    // The peer is gone; nothing more can be written.
  }
  cancel?.();
  st.conn.close();
  try {
    await release;
  } catch (err) {
    st.logger.error("Cannot release session", { error: String(err) });
  }
  st.markClosed();
}
