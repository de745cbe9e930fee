/**
 * `serveConnection`: one connection from its first byte to its close.
 *
 * @module
 */

import {
  createPacketDecoder,
  MqttError,
  type PacketDecoder,
  UnsupportedProtocolVersionError,
} from "../codec/mod.ts";
import { ReasonCode } from "../codec/reason_codes.ts";
import { PacketType } from "../codec/types.ts";
import type { Conn } from "../transport/types.ts";
import { closeConnection, closeWithError } from "./close.ts";
import { dispatch } from "./dispatch.ts";
import { startConnectTimer } from "./keep_alive.ts";
import { createOutput } from "./output.ts";
import type { ConnectionState } from "./state.ts";
import type { ConnectionOptions } from "./types.ts";

/**
 * Serve one MQTT connection: CONNECT handshake, packets until DISCONNECT,
 * error, keep-alive expiry, takeover or `options.signal`, then close. Never
 * rejects for client misbehaviour: it logs and closes.
 *
 * @example
 * ```ts ignore
 * for await (const conn of listener) {
 *   serveConnection(conn, { router, limits, logger, metrics, signal });
 * }
 * ```
 */
export async function serveConnection(
  conn: Conn,
  options: ConnectionOptions,
): Promise<void> {
  const st = createState(conn, options);
  const onAbort = (): void => {
    const reason = options.signal.reason;
    closeConnection(st, {
      reasonCode: reason instanceof MqttError
        ? reason.reasonCode
        : ReasonCode.ServerShuttingDown,
      reasonString: reason instanceof MqttError ? reason.message : undefined,
      publishWill: true,
    });
  };
  const removeOnAbort = onShutdown(options, onAbort);
  startConnectTimer(st);
  // The synchronous decoder straight on the transport: no extra stream
  // stage (and its queues and promises) per connection.
  const decoder = createPacketDecoder({
    maxPacketSize: options.limits.maxPacketSize,
  });
  const reader = conn.readable.getReader();
  // Closing ends reading: `conn.close()` ends both directions.
  try {
    await readLoop(st, reader, decoder);
    await closeConnection(st, { publishWill: true });
  } catch (err) {
    await onReadError(st, err);
  } finally {
    removeOnAbort();
    reader.releaseLock();
  }
  await st.closed;
}

/** Run `onAbort` on server shutdown; returns its remover. */
function onShutdown(options: ConnectionOptions, onAbort: () => void) {
  if (options.shutdown) return options.shutdown.add(onAbort);
  const signal = options.signal;
  if (signal.aborted) {
    onAbort();
    return () => {};
  }
  signal.addEventListener("abort", onAbort, { once: true });
  return () => signal.removeEventListener("abort", onAbort);
}

async function readLoop(
  st: ConnectionState,
  reader: ReadableStreamDefaultReader<Uint8Array>,
  decoder: PacketDecoder,
): Promise<void> {
  for (;;) {
    const { done, value } = await reader.read();
    if (done || st.phase.name === "closing") return;
    st.lastActivity = st.now();
    const packets = decoder.push(value);
    for (let i = 0; i < packets.length; i++) {
      const wait = dispatch(st, packets[i]);
      if (wait) await paused(st, wait);
      if (isClosing(st)) return;
    }
    // A client that does not read is still subject to keep-alive.
    if (st.out.buffered > st.limits.maxWriteBuffer) await st.out.ready();
  }
}

/**
 * Wait for our own work (backend, authenticator) with reading paused. The
 * client is not idle while we do not read it, so keep-alive counts from the
 * end of the wait.
 */
async function paused(st: ConnectionState, wait: Promise<void>): Promise<void> {
  st.paused = true;
  try {
    await wait;
  } finally {
    st.paused = false;
    st.lastActivity = st.now();
  }
}

/** Read through a call so TypeScript does not keep a stale narrowing. */
function isClosing(st: ConnectionState): boolean {
  return st.phase.name === "closing";
}

function onReadError(st: ConnectionState, err: unknown): Promise<void> {
  if (st.phase.name === "closing") return st.closed;
  if (err instanceof UnsupportedProtocolVersionError) {
    // [MQTT-3.1.2-2]: CONNACK 0x01 in 3.1.1 form, then close; a client
    // that sent level 5 reads the v5 form, 0x84.
    st.version = st.out.version = err.protocolLevel === 5 ? 5 : 4;
    st.out.write({
      type: PacketType.CONNACK,
      sessionPresent: false,
      reasonCode: ReasonCode.UnsupportedProtocolVersion,
    });
    return closeConnection(st, { publishWill: false });
  }
  if (err instanceof MqttError) {
    st.metrics.inc("jetmq_protocol_errors_total");
    st.logger.debug("Closing on bad input", {
      reasonCode: err.reasonCode,
      error: err.message,
    });
    return closeWithError(st, err);
  }
  // The network went away: abnormal close, the will goes out.
  st.logger.debug("Connection lost", { error: String(err) });
  return closeConnection(st, { publishWill: true });
}

function createState(
  conn: Conn,
  options: ConnectionOptions,
): ConnectionState {
  const router = options.router;
  const now = options.now ?? router.now;
  let markClosed!: () => void;
  const closed = new Promise<void>((resolve) => (markClosed = resolve));
  const st: ConnectionState = {
    conn,
    options,
    router,
    limits: options.limits,
    logger: options.logger,
    metrics: options.metrics,
    now,
    setTimer: options.setTimer ?? router.setTimer,
    out: createOutput(conn, options.limits.maxWriteBuffer, {
      onError(err) {
        st.logger.debug("Write failed", { error: String(err) });
        closeConnection(st, { publishWill: true });
      },
      onEncodeError(err, packet) {
        st.metrics.inc("jetmq_encode_errors_total");
        st.logger.error("Cannot encode packet", {
          type: packet.type,
          error: String(err),
        });
      },
    }),
    phase: { name: "awaiting-connect" },
    version: 4,
    lastActivity: now(),
    paused: false,
    cancelTimer: undefined,
    closed,
    markClosed,
    onPublishError(err) {
      st.metrics.inc("jetmq_publish_errors_total");
      st.logger.error("Cannot publish QoS 0", { error: String(err) });
    },
  };
  return st;
}
