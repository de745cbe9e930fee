/**
 * DISCONNECT (§3.14): empty before v5; v5 adds a reason code and properties,
 * both omitted for a normal disconnection without properties.
 *
 * @module
 */

import {
  beginPacket,
  type ByteReader,
  type ByteWriter,
  endPacket,
  malformed,
  protocolError,
  readU8,
  writeU8,
} from "./primitives.ts";
import { decodeProperties, encodeProperties } from "./properties.ts";
import type { ReasonCode } from "./reason_codes.ts";
import type { DisconnectPacket, ProtocolVersion } from "./types.ts";
import { PacketType } from "./types.ts";

const WHAT = "DISCONNECT";

/** Reason codes a v5 DISCONNECT may carry (§3.14.2.1). */
export const DISCONNECT_REASON_CODES: ReadonlySet<number> = new Set([
  0x00,
  0x04,
  0x80,
  0x81,
  0x82,
  0x83,
  0x87,
  0x89,
  0x8b,
  0x8d,
  0x8e,
  0x8f,
  0x90,
  0x93,
  0x94,
  0x95,
  0x96,
  0x97,
  0x98,
  0x99,
  0x9a,
  0x9b,
  0x9c,
  0x9d,
  0x9e,
  0x9f,
  0xa0,
  0xa1,
  0xa2,
]);

/**
 * Decodes a DISCONNECT body.
 *
 * @example
 * ```ts
 * import { decodeDisconnect } from "./disconnect.ts";
 * import { createByteReader } from "./primitives.ts";
 * decodeDisconnect(createByteReader(new Uint8Array([0x8e])), 5).reasonCode; // 0x8e
 * ```
 */
export function decodeDisconnect(
  r: ByteReader,
  version: ProtocolVersion,
): DisconnectPacket {
  const packet: DisconnectPacket = { type: PacketType.DISCONNECT };
  const len = r.end - r.pos;
  if (version < 5) {
    if (len !== 0) malformed(WHAT, `remaining length is ${len}, not 0`);
    return packet;
  }
  if (len === 0) return packet;
  const code = readU8(r, WHAT, "reason code");
  if (!DISCONNECT_REASON_CODES.has(code)) {
    protocolError(WHAT, `invalid reason code 0x${code.toString(16)}`);
  }
  packet.reasonCode = code as ReasonCode;
  if (len > 1) {
    const properties = decodeProperties(r, PacketType.DISCONNECT);
    if (properties !== undefined) packet.properties = properties;
  }
  if (r.pos !== r.end) malformed(WHAT, "trailing bytes");
  return packet;
}

/**
 * Encodes a DISCONNECT; reason code and properties only for v5.
 *
 * @example
 * ```ts
 * import { encodeDisconnect } from "./disconnect.ts";
 * import { createByteWriter } from "./primitives.ts";
 * const w = createByteWriter();
 * encodeDisconnect(w, { type: 14, reasonCode: 0x8e }, 5);
 * w.buf.subarray(0, w.pos); // Uint8Array [224, 1, 142]
 * ```
 */
export function encodeDisconnect(
  w: ByteWriter,
  p: DisconnectPacket,
  version: ProtocolVersion,
): void {
  encodeReasonAndProperties(w, p, version, PacketType.DISCONNECT);
}

/** Shared by DISCONNECT and AUTH: `[reason code [properties]]`. */
export function encodeReasonAndProperties(
  w: ByteWriter,
  p: { reasonCode?: ReasonCode; properties?: DisconnectPacket["properties"] },
  version: ProtocolVersion,
  type: typeof PacketType.DISCONNECT | typeof PacketType.AUTH,
): void {
  const start = beginPacket(w);
  const code = p.reasonCode ?? 0;
  if (version === 5 && (code !== 0 || p.properties !== undefined)) {
    writeU8(w, code);
    if (p.properties !== undefined) encodeProperties(w, p.properties, type);
  }
  endPacket(w, start, type << 4);
}
