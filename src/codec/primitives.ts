/**
 * Wire primitives of MQTT (spec §1.5): integers, Variable Byte Integers,
 * UTF-8 strings and binary data, read from a cursor and written into a
 * growable buffer. Nothing here allocates on the hot path except the strings
 * and payload copies the packet model needs.
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
 * A small direct-mapped cache from UTF-8 bytes to decoded strings: a broker
 * sees the same topics over and over, and decoding a string costs more than
 * hashing and comparing its bytes.
 */
export interface StringCache {
  readonly keys: (Uint8Array | undefined)[];
  readonly values: string[];
}

const CACHE_SLOTS = 256;
const CACHE_MAX_BYTES = 128;

/** Creates an empty {@link StringCache}. */
export function createStringCache(): StringCache {
  return {
    keys: new Array(CACHE_SLOTS).fill(undefined),
    values: new Array(CACHE_SLOTS).fill(""),
  };
}

/** A growable output buffer; encoders write at `pos` and advance it. */
export interface ByteWriter {
  buf: Uint8Array;
  pos: number;
}

/** Largest Remaining Length / Variable Byte Integer (4 bytes, §1.5.5). */
export const MAX_VARINT = 268_435_455;

// Stateless after construction, so sharing them is not shared mutable state.
// `ignoreBOM` keeps a leading U+FEFF, which must not be skipped [MQTT-1.5.4-3].
const UTF8_DECODER = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });
const UTF8_ENCODER = new TextEncoder();

/** Creates a reader over `buf[start, end)`. */
export function createByteReader(
  buf: Uint8Array,
  start = 0,
  end: number = buf.length,
): ByteReader {
  return { buf, pos: start, end };
}

/** Creates a writer with an initial capacity in bytes. */
export function createByteWriter(capacity = 4096): ByteWriter {
  return { buf: new Uint8Array(capacity), pos: 0 };
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
  // ASCII fast path: short strings (topics, client ids) dominate.
  if (end - start <= 32) {
    let s = "";
    let i = start;
    for (; i < end; i++) {
      const c = buf[i];
      if (c >= 0x80) break;
      if (c === 0) {
        return malformed(what, `${field} contains U+0000 [MQTT-1.5.4-2]`);
      }
      s += String.fromCharCode(c);
    }
    if (i === end) return s;
  }
  let text: string;
  try {
    text = UTF8_DECODER.decode(buf.subarray(start, end));
  } catch (cause) {
    throw new MqttError(
      ReasonCode.MalformedPacket,
      `Cannot decode ${what}: ${field} is not well-formed UTF-8 [MQTT-1.5.4-1]`,
      { cause },
    );
  }
  if (text.indexOf("\u0000") !== -1) {
    malformed(what, `${field} contains U+0000 [MQTT-1.5.4-2]`);
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
  const key = cache.keys[slot];
  if (key !== undefined && key.length === len) {
    let i = 0;
    while (i < len && key[i] === buf[start + i]) i++;
    if (i === len) return cache.values[slot];
  }
  const text = decodeUtf8(buf, start, end, what, field);
  cache.keys[slot] = buf.slice(start, end);
  cache.values[slot] = text;
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

/** Makes room for `n` more bytes, growing geometrically. */
export function ensure(w: ByteWriter, n: number): void {
  const need = w.pos + n;
  if (need <= w.buf.length) return;
  let cap = w.buf.length * 2 || 256;
  while (cap < need) cap *= 2;
  const next = new Uint8Array(cap);
  next.set(w.buf.subarray(0, w.pos));
  w.buf = next;
}

/** Writes one byte (capacity must have been ensured). */
export function writeU8(w: ByteWriter, v: number): void {
  ensure(w, 1);
  w.buf[w.pos++] = v;
}

/** Writes a Two Byte Integer. */
export function writeU16(w: ByteWriter, v: number): void {
  ensure(w, 2);
  const b = w.buf;
  b[w.pos] = v >>> 8;
  b[w.pos + 1] = v;
  w.pos += 2;
}

/** Writes a Four Byte Integer. */
export function writeU32(w: ByteWriter, v: number): void {
  ensure(w, 4);
  const b = w.buf;
  const p = w.pos;
  b[p] = v >>> 24;
  b[p + 1] = v >>> 16;
  b[p + 2] = v >>> 8;
  b[p + 3] = v;
  w.pos = p + 4;
}

/** Number of bytes a Variable Byte Integer takes. */
export function varintSize(v: number): number {
  return v < 128 ? 1 : v < 16_384 ? 2 : v < 2_097_152 ? 3 : 4;
}

/** Writes a Variable Byte Integer; throws RangeError beyond 4 bytes. */
export function writeVarint(w: ByteWriter, v: number): void {
  if (v > MAX_VARINT || v < 0) {
    throw new RangeError(`Cannot encode ${v} as a Variable Byte Integer`);
  }
  ensure(w, 4);
  const b = w.buf;
  do {
    let byte = v % 128;
    v = Math.floor(v / 128);
    if (v > 0) byte |= 0x80;
    b[w.pos++] = byte;
  } while (v > 0);
}

/** Writes a length-prefixed UTF-8 string; RangeError beyond 65,535 bytes. */
export function writeString(w: ByteWriter, s: string): void {
  const n = s.length;
  ensure(w, 2 + n * 3);
  const b = w.buf;
  const start = w.pos + 2;
  let i = 0;
  for (; i < n; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0x80) break;
    b[start + i] = c;
  }
  let len = i;
  if (i < n) {
    len = UTF8_ENCODER.encodeInto(s, b.subarray(start)).written;
  }
  if (len > 0xffff) {
    throw new RangeError(`Cannot encode a string of ${len} bytes`);
  }
  b[w.pos] = len >>> 8;
  b[w.pos + 1] = len;
  w.pos = start + len;
}

/** Writes length-prefixed Binary Data. */
export function writeBinary(w: ByteWriter, data: Uint8Array): void {
  if (data.length > 0xffff) {
    throw new RangeError(`Cannot encode binary data of ${data.length} bytes`);
  }
  writeU16(w, data.length);
  writeBytes(w, data);
}

/** Writes raw bytes. */
export function writeBytes(w: ByteWriter, data: Uint8Array): void {
  ensure(w, data.length);
  w.buf.set(data, w.pos);
  w.pos += data.length;
}

/**
 * Reserves room for a fixed header (≤ 5 bytes) and returns the offset where
 * the body starts; pair with {@link endPacket}.
 */
export function beginPacket(w: ByteWriter): number {
  ensure(w, 5);
  w.pos += 5;
  return w.pos;
}

/**
 * Writes the fixed header in front of the body begun at `bodyStart` and
 * closes the gap left by the reservation.
 */
export function endPacket(
  w: ByteWriter,
  bodyStart: number,
  firstByte: number,
): void {
  const len = w.pos - bodyStart;
  if (len > MAX_VARINT) {
    throw new RangeError(`Cannot encode a packet body of ${len} bytes`);
  }
  const headerSize = 1 + varintSize(len);
  const start = bodyStart - 5;
  const b = w.buf;
  if (headerSize < 5) b.copyWithin(start + headerSize, bodyStart, w.pos);
  b[start] = firstByte;
  let p = start + 1;
  let v = len;
  do {
    let byte = v & 0x7f;
    v >>>= 7;
    if (v > 0) byte |= 0x80;
    b[p++] = byte;
  } while (v > 0);
  w.pos = start + headerSize + len;
}

/** UTF-8 byte length of a string (lone surrogates count as U+FFFD). */
export function utf8Length(s: string): number {
  const n = s.length;
  let len = n;
  for (let i = 0; i < n; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) continue;
    if (c < 0x800) len += 1;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < n) {
      const d = s.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        len += 2; // 4 bytes for 2 code units
        i++;
      } else len += 2;
    } else len += 2;
  }
  return len;
}

/** Writes a fixed header: first byte then the Remaining Length. */
export function writeFixedHeader(
  w: ByteWriter,
  firstByte: number,
  remaining: number,
): void {
  if (remaining > MAX_VARINT) {
    throw new RangeError(`Cannot encode a packet body of ${remaining} bytes`);
  }
  ensure(w, 5 + remaining);
  const b = w.buf;
  let p = w.pos;
  b[p++] = firstByte;
  let v = remaining;
  do {
    let byte = v & 0x7f;
    v >>>= 7;
    if (v > 0) byte |= 0x80;
    b[p++] = byte;
  } while (v > 0);
  w.pos = p;
}
