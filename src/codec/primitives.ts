/**
 * Wire primitives of MQTT (spec §1.5), reading side: integers, Variable Byte
 * Integers, validated UTF-8 strings and binary data, from a cursor. The
 * writing side is `byte_writer.ts`, re-exported here so packet files import
 * one module.
 *
 * @module
 */

import { MqttError } from "./errors.ts";
import { ReasonCode } from "./reason_codes.ts";

/** A cursor over `buf[pos, end)`; decoders advance `pos`. */
export interface ByteReader {
  buf: Uint8Array;
  pos: number;
  end: number;
  /** Per-connection cache of recent topic strings (see {@link readTopic}). */
  topics?: StringCache;
}

/**
 * A small direct-mapped cache of recently decoded ASCII strings: a broker
 * sees the same topics over and over, and comparing bytes with a cached
 * string costs less than decoding a new one. Non-ASCII strings are not
 * cached (so a key is its own bytes).
 */
export interface StringCache {
  readonly values: string[];
}

// Small: one cache per connection, and a client uses few topics at a time.
const CACHE_SLOTS = 64;
const CACHE_MAX_BYTES = 128;

/** Creates an empty {@link StringCache}. */
export function createStringCache(): StringCache {
  return { values: new Array(CACHE_SLOTS).fill("") };
}

// Stateless after construction, so sharing them is not shared mutable state.
// `ignoreBOM` keeps a leading U+FEFF, which must not be skipped [MQTT-1.5.4-3].
const UTF8_STRICT = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });
const UTF8_LOOSE = new TextDecoder("utf-8", { ignoreBOM: true });

/** Creates a reader over `buf[start, end)`. */
export function createByteReader(
  buf: Uint8Array,
  start = 0,
  end: number = buf.length,
): ByteReader {
  return { buf, pos: start, end };
}

/** Throws a malformed-packet error for `what` ([MQTT-1.5.5-1] etc.). */
export function malformed(what: string, detail: string): never {
  throw new MqttError(
    ReasonCode.MalformedPacket,
    `Cannot decode ${what}: ${detail}`,
  );
}

/** Throws a protocol error for `what`. */
export function protocolError(what: string, detail: string): never {
  throw new MqttError(
    ReasonCode.ProtocolError,
    `Cannot decode ${what}: ${detail}`,
  );
}

function overrun(what: string, field: string): never {
  return malformed(what, `${field} overruns packet`);
}

/** Reads one byte. */
export function readU8(r: ByteReader, what: string, field: string): number {
  if (r.pos >= r.end) overrun(what, field);
  return r.buf[r.pos++];
}

/** Reads a big-endian Two Byte Integer (§1.5.2). */
export function readU16(r: ByteReader, what: string, field: string): number {
  const p = r.pos;
  if (p + 2 > r.end) overrun(what, field);
  r.pos = p + 2;
  return (r.buf[p] << 8) | r.buf[p + 1];
}

/**
 * Reads a Packet Identifier (§2.2.1), which must not be 0 [MQTT-2.3.1-1].
 *
 * @example
 * ```ts
 * import { createByteReader, readPacketId } from "./primitives.ts";
 * readPacketId(createByteReader(new Uint8Array([0, 7])), "PUBACK"); // 7
 * ```
 */
export function readPacketId(r: ByteReader, what: string): number {
  const packetId = readU16(r, what, "packet identifier");
  if (packetId === 0) malformed(what, "packet identifier is 0 [MQTT-2.3.1-1]");
  return packetId;
}

/** Reads a big-endian Four Byte Integer (§1.5.3). */
export function readU32(r: ByteReader, what: string, field: string): number {
  const p = r.pos;
  if (p + 4 > r.end) overrun(what, field);
  r.pos = p + 4;
  const b = r.buf;
  return ((b[p] << 24) >>> 0) + ((b[p + 1] << 16) | (b[p + 2] << 8) | b[p + 3]);
}

/** Reads a Variable Byte Integer of at most 4 bytes (§1.5.5). */
export function readVarint(r: ByteReader, what: string, field: string): number {
  let value = 0;
  let mult = 1;
  for (let i = 0; i < 4; i++) {
    if (r.pos >= r.end) overrun(what, field);
    const b = r.buf[r.pos++];
    value += (b & 0x7f) * mult;
    if ((b & 0x80) === 0) return value;
    mult *= 128;
  }
  return malformed(what, `${field} is longer than 4 bytes`);
}

/**
 * Decodes `buf[start, end)` as an MQTT UTF-8 string: well-formed, without
 * surrogates [MQTT-1.5.4-1] and without U+0000 [MQTT-1.5.4-2].
 */
export function decodeUtf8(
  buf: Uint8Array,
  start: number,
  end: number,
  what: string,
  field: string,
): string {
  // One scan: a 0x00 byte can only be U+0000 in UTF-8; note non-ASCII.
  let ascii = true;
  for (let i = start; i < end; i++) {
    const c = buf[i];
    if (c === 0) malformed(what, `${field} contains U+0000 [MQTT-1.5.4-2]`);
    if (c >= 0x80) ascii = false;
  }
  if (ascii && end - start <= 16) {
    let s = "";
    for (let i = start; i < end; i++) s += String.fromCharCode(buf[i]);
    return s;
  }
  const text = UTF8_LOOSE.decode(buf.subarray(start, end));
  // The lenient decoder is several times faster; only a U+FFFD in its output
  // (a replacement, or a genuine U+FFFD) needs the strict check.
  if (!ascii && text.indexOf("\ufffd") !== -1) {
    try {
      UTF8_STRICT.decode(buf.subarray(start, end));
    } catch (cause) {
      throw new MqttError(
        ReasonCode.MalformedPacket,
        `Cannot decode ${what}: ${field} is not well-formed UTF-8 [MQTT-1.5.4-1]`,
        { cause },
      );
    }
  }
  return text;
}

/** Reads a length-prefixed UTF-8 string (§1.5.4). */
export function readString(r: ByteReader, what: string, field: string): string {
  const p = r.pos;
  if (p + 2 > r.end) overrun(what, field);
  const len = (r.buf[p] << 8) | r.buf[p + 1];
  const start = p + 2;
  const end = start + len;
  if (end > r.end) overrun(what, field);
  r.pos = end;
  return decodeUtf8(r.buf, start, end, what, field);
}

/**
 * Reads a length-prefixed UTF-8 string through `r.topics` when present;
 * validation is the same as {@link readString} (a cached entry was valid).
 */
export function readTopic(r: ByteReader, what: string, field: string): string {
  const cache = r.topics;
  if (cache === undefined) return readString(r, what, field);
  const p = r.pos;
  if (p + 2 > r.end) overrun(what, field);
  const buf = r.buf;
  const len = (buf[p] << 8) | buf[p + 1];
  const start = p + 2;
  const end = start + len;
  if (end > r.end) overrun(what, field);
  r.pos = end;
  if (len > CACHE_MAX_BYTES) return decodeUtf8(buf, start, end, what, field);
  let h = len;
  for (let i = start; i < end; i++) h = (h * 31 + buf[i]) | 0;
  const slot = (h ^ (h >>> 8) ^ (h >>> 16)) & (CACHE_SLOTS - 1);
  const cached = cache.values[slot];
  if (cached.length === len) {
    let i = 0;
    while (i < len && cached.charCodeAt(i) === buf[start + i]) i++;
    if (i === len) return cached;
  }
  const text = decodeUtf8(buf, start, end, what, field);
  if (text.length === len) cache.values[slot] = text; // ASCII only
  return text;
}

/** Reads length-prefixed Binary Data (§1.5.6) as a copy. */
export function readBinary(
  r: ByteReader,
  what: string,
  field: string,
): Uint8Array {
  const p = r.pos;
  if (p + 2 > r.end) overrun(what, field);
  const len = (r.buf[p] << 8) | r.buf[p + 1];
  const end = p + 2 + len;
  if (end > r.end) overrun(what, field);
  r.pos = end;
  return r.buf.slice(p + 2, end);
}

export * from "./byte_writer.ts";
