/**
 * The connection's packet output: the codec's writer, made safe to call
 * from anywhere (backend sink, timers) once the peer is gone.
 *
 * @module
 */

import { createPacketWriter, type PacketWriter } from "../codec/mod.ts";
import type { Packet, ProtocolVersion } from "../codec/types.ts";
import type { Conn } from "../transport/types.ts";

/** Bytes each of the writer's two buffers starts with. */
const INITIAL_CAPACITY = 1024;

/** What handlers write to. */
export interface PacketOutput {
  /** Encode and queue one packet (flushed once per tick). */
  write(packet: Packet): void;
  /** Bytes encoded and not yet taken by the transport. */
  readonly buffered: number;
  /** Resolves once everything queued was taken; rejects if the peer is gone. */
  flush(): Promise<void>;
  /** Resolves once `buffered` is at most the high-water mark (or failed). */
  ready(): Promise<void>;
  /** Encoding version; set from CONNECT. */
  version: ProtocolVersion;
}

/** Callbacks of `createOutput`. */
export interface OutputEvents {
  /** A transport write failed (called once; later writes are dropped). */
  onError(err: unknown): void;
  /** A packet could not be encoded (a bug or an oversized field): dropped. */
  onEncodeError(err: unknown, packet: Packet): void;
}

/**
 * Wraps `conn.writable` in the codec's double-buffered writer. Never
 * throws, so the backend's fan-out is never broken by one connection.
 */
export function createOutput(
  conn: Conn,
  highWaterMark: number,
  events: OutputEvents,
): PacketOutput {
  const writer: PacketWriter = createPacketWriter(conn.writable.getWriter(), {
    highWaterMark,
    // Small to start: idle connections must stay cheap; buffers grow (and
    // shrink back) with traffic.
    initialCapacity: INITIAL_CAPACITY,
  });
  let failed = false;
  const failOnce = (err: unknown): void => {
    if (failed) return;
    failed = true;
    events.onError(err);
  };
  return {
    write(packet) {
      if (failed) return;
      try {
        writer.write(packet);
      } catch (err) {
        if (err instanceof TypeError || err instanceof RangeError) {
          events.onEncodeError(err, packet);
        } else {
          failOnce(err);
        }
      }
    },
    get buffered() {
      return writer.buffered;
    },
    flush() {
      if (failed) return Promise.resolve();
      return writer.flush().catch(failOnce);
    },
    ready() {
      if (failed) return Promise.resolve();
      return writer.ready.catch(failOnce);
    },
    get version() {
      return writer.version;
    },
    set version(v) {
      writer.version = v;
    },
  };
}
