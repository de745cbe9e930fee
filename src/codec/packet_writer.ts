/**
 * The outbound side of a connection: packets are encoded into a reused
 * buffer and flushed to the transport once per microtask tick, with
 * backpressure.
 *
 * @module
 */

import { encodePacketInto } from "./encode_packet.ts";
import { type ByteWriter, createByteWriter } from "./primitives.ts";
import type { Packet, ProtocolVersion } from "./types.ts";

/** Options of {@link createPacketWriter}. */
export interface PacketWriterOptions {
  /** Version to encode for; settable later via `version`. Default 4. */
  version?: ProtocolVersion;
  /** `ready` waits while more than this many bytes are buffered. Default 64 KiB. */
  highWaterMark?: number;
  /**
   * Initial capacity of each of the two buffers. Default 16 KiB; 0 allocates
   * on the first write (cheap idle connections).
   */
  initialCapacity?: number;
  /** The peer's Maximum Packet Size; settable later. Default: no limit. */
  maxPacketSize?: number;
}

/** A per-connection packet writer. */
export interface PacketWriter {
  /** The protocol version packets are encoded for (learnt from CONNECT). */
  version: ProtocolVersion;
  /**
   * The peer's v5 Maximum Packet Size (0 or Infinity: none). A packet that
   * encodes larger is not queued: `write` throws a RangeError and the caller
   * discards it [MQTT-3.1.2-24] [MQTT-3.1.2-25].
   */
  maxPacketSize: number;
  /** Encoded bytes not yet accepted by the transport (queued + in flight). */
  readonly buffered: number;
  /**
   * Resolves when `buffered` is at most the high-water mark; rejects once a
   * transport write fails. Await it before writing more when it matters.
   */
  readonly ready: Promise<void>;
  /**
   * Encodes `packet` into the buffer and schedules a flush. Returns false
   * when `buffered` is above the high-water mark (the caller should await
   * `ready`; bytes are never dropped here). Throws the transport's error
   * after a failed write, TypeError/RangeError for unencodable packets.
   */
  write(packet: Packet): boolean;
  /** Resolves when everything written so far has been accepted. */
  flush(): Promise<void>;
  /** Flushes, then closes the underlying writer. */
  close(): Promise<void>;
}

const RESOLVED: Promise<void> = Promise.resolve();

/** Buffers up to this size are never shrunk. */
const SHRINK_ABOVE = 16_384;

/**
 * Creates a writer over a transport's `WritableStreamDefaultWriter`. Two
 * buffers alternate: one is being written (and not touched until its write
 * settles, as `Conn.writable` requires), the other collects new packets.
 *
 * @example
 * ```ts
 * import { createPacketWriter } from "./packet_writer.ts";
 * const chunks: Uint8Array[] = [];
 * const sink = new WritableStream<Uint8Array>({ write(c) { chunks.push(c.slice()); } });
 * const out = createPacketWriter(sink.getWriter(), { version: 4 });
 * out.write({ type: 13 });
 * out.write({ type: 13 });
 * await out.flush();
 * chunks; // [Uint8Array [208, 0, 208, 0]]
 * ```
 */
export function createPacketWriter(
  sink: WritableStreamDefaultWriter<Uint8Array>,
  options: PacketWriterOptions = {},
): PacketWriter {
  const capacity = options.initialCapacity ?? 16_384;
  const highWaterMark = options.highWaterMark ?? 65_536;
  let version: ProtocolVersion = options.version ?? 4;
  let maxPacketSize = options.maxPacketSize || Infinity;
  let current: ByteWriter = createByteWriter(capacity);
  let spare: ByteWriter = createByteWriter(capacity);
  let inFlight = 0;
  let scheduled = false;
  let error: unknown;
  let readyWaiters: Array<[() => void, (e: unknown) => void]> = [];
  let flushWaiters: Array<[() => void, (e: unknown) => void]> = [];

  const buffered = (): number => current.pos + inFlight;

  function schedule(): void {
    if (scheduled || inFlight > 0) return;
    scheduled = true;
    queueMicrotask(flushNow);
  }

  function flushNow(): void {
    scheduled = false;
    if (inFlight > 0 || error !== undefined) return;
    if (current.pos === 0) return settle();
    const written = current;
    const chunk = written.buf.subarray(0, written.pos);
    inFlight = written.pos;
    current = spare;
    spare = written;
    sink.write(chunk).then(() => {
      inFlight = 0;
      // Shrink a buffer only when it is 8× what this write needed, to a
      // size that fits it: steady traffic keeps its buffer (no regrowing
      // after every large flush), a burst's buffer goes once traffic drops.
      const size = written.buf.length;
      if (size > SHRINK_ABOVE && written.pos * 8 < size) {
        written.buf = new Uint8Array(Math.max(capacity, written.pos * 2));
      }
      written.pos = 0;
      if (current.pos > 0) schedule();
      settle();
    }, fail);
  }

  function settle(): void {
    const size = buffered();
    if (size <= highWaterMark && readyWaiters.length > 0) {
      const waiters = readyWaiters;
      readyWaiters = [];
      for (const [resolve] of waiters) resolve();
    }
    if (size === 0 && flushWaiters.length > 0) {
      const waiters = flushWaiters;
      flushWaiters = [];
      for (const [resolve] of waiters) resolve();
    }
  }

  function fail(err: unknown): void {
    error = err;
    inFlight = 0;
    for (const [, reject] of [...readyWaiters, ...flushWaiters]) reject(err);
    readyWaiters = [];
    flushWaiters = [];
  }

  function wait(list: typeof readyWaiters): Promise<void> {
    return new Promise((resolve, reject) => list.push([resolve, reject]));
  }

  function flush(): Promise<void> {
    if (error !== undefined) return Promise.reject(error);
    if (buffered() === 0) return RESOLVED;
    schedule();
    return wait(flushWaiters);
  }

  return {
    get version() {
      return version;
    },
    set version(v: ProtocolVersion) {
      version = v;
    },
    get maxPacketSize() {
      return maxPacketSize;
    },
    set maxPacketSize(size: number) {
      maxPacketSize = size || Infinity;
    },
    get buffered() {
      return buffered();
    },
    get ready() {
      if (error !== undefined) return Promise.reject(error);
      return buffered() <= highWaterMark ? RESOLVED : wait(readyWaiters);
    },
    write(packet: Packet): boolean {
      if (error !== undefined) throw error;
      const mark = current.pos;
      try {
        encodePacketInto(current, packet, version);
      } catch (err) {
        current.pos = mark; // drop the half-written packet
        throw err;
      }
      if (current.pos - mark > maxPacketSize) {
        const size = current.pos - mark;
        current.pos = mark;
        throw new RangeError(
          `Cannot send packet type ${packet.type}: ${size} bytes exceed the peer's maximum packet size ${maxPacketSize} [MQTT-3.1.2-24]`,
        );
      }
      schedule();
      return buffered() <= highWaterMark;
    },
    flush,
    async close(): Promise<void> {
      await flush();
      await sink.close();
    },
  };
}
