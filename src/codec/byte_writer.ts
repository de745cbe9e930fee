/**
 * Wire primitives of MQTT (spec §1.5), writing side: a growable buffer and
 * writers for integers, Variable Byte Integers, strings, binary data and the
 * fixed header.
 *
 * @module
 */

/** Largest Remaining Length / Variable Byte Integer (4 bytes, §1.5.5). */
export const MAX_VARINT = 268_435_455;

// Stateless, so sharing it is not shared mutable state.
const UTF8_ENCODER = new TextEncoder();

/** A growable output buffer; encoders write at `pos` and advance it. */
export interface ByteWriter {
  buf: Uint8Array;
  pos: number;
}

/** Creates a writer with an initial capacity in bytes. */
export function createByteWriter(capacity = 4096): ByteWriter {
  return { buf: new Uint8Array(capacity), pos: 0 };
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
  w.pos = putVarint(w.buf, w.pos, v);
}

/**
 * Puts `v` (0 to {@link MAX_VARINT}, room already ensured) as a Variable
 * Byte Integer at `b[p]`; returns the offset after it.
 */
function putVarint(b: Uint8Array, p: number, v: number): number {
  do {
    let byte = v & 0x7f;
    v >>>= 7;
    if (v > 0) byte |= 0x80;
    b[p++] = byte;
  } while (v > 0);
  return p;
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
  putVarint(b, start + 1, len);
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
  b[w.pos] = firstByte;
  w.pos = putVarint(b, w.pos + 1, remaining);
}
