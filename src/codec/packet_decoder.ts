/**
 * The synchronous framer and decoder: push network chunks, get the complete
 * packets they finish. Used by {@link PacketDecoderStream}, benchmarks and
 * clients.
 *
 * @module
 */

import { checkFixedHeader, decodeBody } from "./decode_packet.ts";
import { MqttError } from "./errors.ts";
import { type ByteReader, createStringCache, malformed } from "./primitives.ts";
import { ReasonCode } from "./reason_codes.ts";
import type { Packet, ProtocolVersion } from "./types.ts";
import { PacketType } from "./types.ts";

/** Largest packet MQTT can express: 5-byte header + 268,435,455. */
export const MAX_PACKET_SIZE = 268_435_460;

/** Options of {@link createPacketDecoder}. */
export interface PacketDecoderOptions {
  /**
   * Largest whole packet accepted, fixed header included (v5 Maximum Packet
   * Size). Checked from the fixed header before the body is buffered; a
   * larger packet is MqttError 0x95. Defaults to {@link MAX_PACKET_SIZE}.
   */
  maxPacketSize?: number;
  /**
   * Version to decode with until a CONNECT says otherwise; set it when the
   * peer is a server (a client decoding CONNACK). Defaults to 4.
   */
  version?: ProtocolVersion;
  /**
   * Copy each chunk (once, not per packet) before decoding, so payloads never
   * alias the producer's buffer. Pass false when the producer never reuses a
   * chunk after handing it over (socket streams of Deno, Bun and Node don't).
   * Default true.
   */
  copyChunks?: boolean;
}

/** A stateful framer + decoder for one connection. */
export interface PacketDecoder {
  /** The version learnt from the first CONNECT, else the option's. */
  readonly version: ProtocolVersion | undefined;
  /** Bytes held of an incomplete packet. */
  readonly buffered: number;
  /** Bad input met after complete packets of the last push, not yet thrown. */
  readonly pendingError: MqttError | undefined;
  /**
   * Decodes every packet `chunk` completes, in order. On bad input it throws
   * the MqttError, unless packets came first in this chunk: then it returns
   * them and keeps the error in `pendingError` (so any chunking yields the
   * same packets before the error). The error is thrown by every later call.
   * With `copyChunks` (the default) `chunk` may be reused once this
   * returns. PUBLISH payloads are views that may share one ArrayBuffer with
   * the other packets of the chunk: `slice()` a payload kept for long (a
   * retained message, a queued message) so it does not pin the whole chunk.
   */
  push(chunk: Uint8Array): Packet[];
  /**
   * Declares the input over: throws the pending error, or MqttError 0x81
   * when the input stopped inside a packet.
   */
  end(): void;
}

/** Retained between packets; larger partial buffers are let go. */
const SMALL_BUFFER = 4096;
const EMPTY = new Uint8Array(0);

/**
 * Creates a decoder. Any split of the same bytes into chunks yields the same
 * packets.
 *
 * @example
 * ```ts
 * import { createPacketDecoder } from "./packet_decoder.ts";
 * const decoder = createPacketDecoder();
 * decoder.push(new Uint8Array([0xc0])); // []
 * decoder.push(new Uint8Array([0x00, 0xd0, 0x00])); // [{ type: 12 }, { type: 13 }]
 * ```
 */
export function createPacketDecoder(
  options: PacketDecoderOptions = {},
): PacketDecoder {
  const maxPacketSize = options.maxPacketSize ?? MAX_PACKET_SIZE;
  let learnt: ProtocolVersion | undefined;
  let version: ProtocolVersion = options.version ?? 4;
  let failed: MqttError | undefined;
  let pending = false; // `failed` not thrown yet
  const copyChunks = options.copyChunks ?? true;
  const reader: ByteReader = {
    buf: new Uint8Array(0),
    pos: 0,
    end: 0,
    topics: createStringCache(),
  };
  // The incomplete packet: header bytes then body, grown only as bytes come
  // (an idle connection holds no buffer).
  let partial = EMPTY;
  let partialLen = 0;
  let partialTotal = 0; // whole packet size once the header is complete
  let headerLen = 0; // set by readHeader
  let remaining = 0; // set by readHeader

  /** Parses a fixed header at buf[pos..end); false when incomplete. */
  function readHeader(buf: Uint8Array, pos: number, end: number): boolean {
    let value = 0;
    let mult = 1;
    for (let i = 1; i <= 4; i++) {
      if (pos + i >= end) return false;
      const b = buf[pos + i];
      value += (b & 0x7f) * mult;
      if ((b & 0x80) === 0) {
        checkFixedHeader(buf[pos], version);
        headerLen = i + 1;
        remaining = value;
        if (headerLen + value > maxPacketSize) {
          throw new MqttError(
            ReasonCode.PacketTooLarge,
            `Cannot decode packet: ${
              headerLen + value
            } bytes exceed the maximum packet size ${maxPacketSize}`,
          );
        }
        return true;
      }
      mult *= 128;
    }
    return malformed("packet", "remaining length is longer than 4 bytes");
  }

  function decodeAt(buf: Uint8Array, start: number, out: Packet[]): void {
    reader.buf = buf;
    reader.pos = start + headerLen;
    reader.end = start + headerLen + remaining;
    const packet = decodeBody(buf[start], reader, version);
    if (packet.type === PacketType.CONNECT && learnt === undefined) {
      learnt = version = packet.protocolVersion;
    }
    out.push(packet);
  }

  function append(chunk: Uint8Array, from: number, n: number): void {
    const need = partialLen + n;
    if (need > partial.length) {
      // Never beyond the announced size: memory follows the bytes received.
      const cap = partialTotal > 0 ? partialTotal : Infinity;
      const next = new Uint8Array(
        Math.min(cap, Math.max(need, partial.length * 2, 64)),
      );
      next.set(partial.subarray(0, partialLen));
      partial = next;
    }
    partial.set(chunk.subarray(from, from + n), partialLen);
    partialLen = need;
  }

  /** Feeds the incomplete packet; returns bytes of `chunk` consumed. */
  function continuePartial(chunk: Uint8Array, out: Packet[]): number {
    let pos = 0;
    while (partialTotal === 0 && pos < chunk.length) {
      append(chunk, pos++, 1);
      if (readHeader(partial, 0, partialLen)) {
        partialTotal = headerLen + remaining;
      }
    }
    if (partialTotal === 0) return pos;
    const take = Math.min(partialTotal - partialLen, chunk.length - pos);
    append(chunk, pos, take);
    pos += take;
    if (partialLen < partialTotal) return pos;
    decodeAt(partial, 0, out);
    partialLen = 0;
    partialTotal = 0;
    // A PUBLISH payload is a view of `partial`: hand the buffer over.
    if (
      partial.length > SMALL_BUFFER ||
      out[out.length - 1].type === PacketType.PUBLISH
    ) partial = EMPTY;
    return pos;
  }

  function rethrow(): void {
    if (failed === undefined) return;
    pending = false;
    throw failed;
  }

  function push(chunk: Uint8Array): Packet[] {
    rethrow();
    const out: Packet[] = [];
    try {
      let pos = partialLen > 0 ? continuePartial(chunk, out) : 0;
      let buf = chunk;
      let end = chunk.length;
      let copied = !copyChunks;
      while (pos < end) {
        if (!readHeader(buf, pos, end)) {
          append(buf, pos, end - pos);
          break;
        }
        const total = headerLen + remaining;
        if (pos + total > end) {
          partialTotal = total;
          append(buf, pos, end - pos);
          break;
        }
        if (!copied) {
          // One copy per chunk, so payload views never alias `chunk`.
          buf = chunk.slice(pos);
          end = buf.length;
          pos = 0;
          copied = true;
        }
        decodeAt(buf, pos, out);
        pos += total;
      }
    } catch (err) {
      if (!(err instanceof MqttError)) throw err;
      failed = err;
      if (out.length === 0) throw err;
      pending = true;
    } finally {
      reader.buf = EMPTY; // don't keep the chunk alive between pushes
    }
    return out;
  }

  function end(): void {
    rethrow();
    if (partialLen > 0) {
      failed = new MqttError(
        ReasonCode.MalformedPacket,
        "Cannot decode packet: input ended inside a packet",
      );
      throw failed;
    }
  }

  // Plain data properties, kept current by push/end: an object literal with
  // accessors costs microseconds to create on V8.
  const self: PacketDecoder = {
    version: options.version,
    buffered: 0,
    pendingError: undefined,
    push(chunk: Uint8Array): Packet[] {
      try {
        return push(chunk);
      } finally {
        sync();
      }
    },
    end(): void {
      try {
        end();
      } finally {
        sync();
      }
    },
  };
  const state = self as {
    version: ProtocolVersion | undefined;
    buffered: number;
    pendingError: MqttError | undefined;
  };
  function sync(): void {
    state.version = learnt ?? options.version;
    state.buffered = partialLen;
    state.pendingError = pending ? failed : undefined;
  }
  return self;
}
