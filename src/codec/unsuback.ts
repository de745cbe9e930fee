/**
 * UNSUBACK (§3.11): decoder and encoder. Only v5 carries properties and one
 * reason code per filter; 3.1 and 3.1.1 carry just the packet identifier.
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
  readPacketId,
  readU8,
  writeU16,
  writeU8,
} from "./primitives.ts";
import { decodeProperties, encodeProperties } from "./properties.ts";
import type { ReasonCode } from "./reason_codes.ts";
import type { ProtocolVersion, UnsubackPacket } from "./types.ts";
import { PacketType } from "./types.ts";

const WHAT = "UNSUBACK";

/** Reason codes a v5 UNSUBACK may carry (§3.11.3). */
export const UNSUBACK_REASON_CODES: ReadonlySet<number> = new Set([
  0x00,
  0x11,
  0x80,
  0x83,
  0x87,
  0x8f,
  0x91,
]);

/**
 * Decodes an UNSUBACK body.
 *
 * @example
 * ```ts
 * import { decodeUnsuback } from "./unsuback.ts";
 * import { createByteReader } from "./primitives.ts";
 * decodeUnsuback(createByteReader(new Uint8Array([0, 9])), 4).packetId; // 9
 * ```
 */
export function decodeUnsuback(
  r: ByteReader,
  version: ProtocolVersion,
): UnsubackPacket {
  if (version < 5 && r.end - r.pos !== 2) {
    malformed(WHAT, `remaining length is ${r.end - r.pos}, not 2`);
  }
  const packetId = readPacketId(r, WHAT);
  const packet: UnsubackPacket = { type: PacketType.UNSUBACK, packetId };
  if (version < 5) return packet;
  const properties = decodeProperties(r, PacketType.UNSUBACK);
  if (properties !== undefined) packet.properties = properties;
  const codes: ReasonCode[] = [];
  while (r.pos < r.end) {
    const code = readU8(r, WHAT, "reason code");
    if (!UNSUBACK_REASON_CODES.has(code)) {
      protocolError(WHAT, `invalid reason code 0x${code.toString(16)}`);
    }
    codes.push(code as ReasonCode);
  }
  if (codes.length === 0) malformed(WHAT, "no reason codes");
  packet.reasonCodes = codes;
  return packet;
}

/**
 * Encodes an UNSUBACK packet.
 *
 * @example
 * ```ts
 * import { encodeUnsuback } from "./unsuback.ts";
 * import { createByteWriter } from "./primitives.ts";
 * const w = createByteWriter();
 * encodeUnsuback(w, { type: 11, packetId: 9 }, 4);
 * w.buf.subarray(0, w.pos); // Uint8Array [176, 2, 0, 9]
 * ```
 */
export function encodeUnsuback(
  w: ByteWriter,
  p: UnsubackPacket,
  version: ProtocolVersion,
): void {
  const start = beginPacket(w);
  writeU16(w, p.packetId);
  if (version === 5) {
    encodeProperties(w, p.properties, PacketType.UNSUBACK);
    for (const code of p.reasonCodes ?? []) writeU8(w, code);
  }
  endPacket(w, start, PacketType.UNSUBACK << 4);
}
