/**
 * The connection's packet output: the codec's writer, made safe to call
 * from anywhere (backend sink, timers) once the peer is gone.
 *
 * @module
 */

import { createPacketWriter, type PacketWriter } from "../codec/mod.ts";
import {
  type Packet,
  PacketType,
  type ProtocolVersion,
} from "../codec/types.ts";
import type { Conn } from "../transport/types.ts";

/**
 * Bytes each of the writer's two buffers starts with: none, so an idle
 * connection holds only what its CONNACK needed (buffers grow from 256).
 */
const INITIAL_CAPACITY = 0;

/** What handlers write to. */
export interface PacketOutput {
  /**
   * Encode and queue one packet (flushed once per tick). Returns false when
   * it was not queued: over the peer's Maximum Packet Size (a PUBLISH; other
   * packets are retried without their properties [MQTT-3.1.2-24]), not
   * encodable, or the peer is gone.
   */
  write(packet: Packet): boolean;
  /** Bytes encoded and not yet taken by the transport. */
  readonly buffered: number;
  /** Resolves once everything queued was taken; rejects if the peer is gone. */
  flush(): Promise<void>;
  /** Resolves once `buffered` is at most the high-water mark (or failed). */
  ready(): Promise<void>;
  /** Encoding version; set from CONNECT. */
  version: ProtocolVersion;
  /** The peer's v5 Maximum Packet Size (0: none); set from CONNECT. */
  maxPacketSize: number;
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
    // Empty to start: idle connections must stay cheap; buffers grow (and
    // shrink back) with traffic.
    initialCapacity: INITIAL_CAPACITY,
  });
  let failed = false;
  const failOnce = (err: unknown): void => {
    if (failed) return;
    failed = true;
    events.onError(err);
  };
  function write(packet: Packet): boolean {
    if (failed) return false;
    try {
      writer.write(packet);
      return true;
    } catch (err) {
      if (!(err instanceof TypeError || err instanceof RangeError)) {
        failOnce(err);
        return false;
      }
      if (oversized(err, packet)) {
        if (packet.type === PacketType.PUBLISH) return false;
        // Acks and DISCONNECT lose their reason string and user
        // properties rather than the packet [MQTT-3.2.2-19].
        if ("properties" in packet && packet.properties) {
          return write({ ...packet, properties: undefined } as Packet);
        }
      }
      events.onEncodeError(err, packet);
      return false;
    }
  }

  return {
    write,
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
    get maxPacketSize() {
      return writer.maxPacketSize;
    },
    set maxPacketSize(size) {
      writer.maxPacketSize = size;
    },
  };

  /** The writer refuses packets over the peer's limit with a RangeError. */
  function oversized(err: unknown, packet: Packet): boolean {
    return err instanceof RangeError && writer.maxPacketSize !== Infinity &&
      packet.type !== PacketType.CONNACK;
  }
}
