/**
 * SUBACK (§3.9): decoder and encoder for all versions. 3.1.1 return codes
 * (0, 1, 2, 0x80) are a subset of the v5 reason codes; for older versions
 * any v5 failure code is sent as 0x80.
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
import type { ProtocolVersion, SubackPacket } from "./types.ts";
import { PacketType } from "./types.ts";

const WHAT = "SUBACK";

/** Reason codes a v5 SUBACK may carry (§3.9.3). */
export const SUBACK_REASON_CODES: ReadonlySet<number> = new Set([
  0x00,
  0x01,
  0x02,
  0x80,
  0x83,
  0x87,
  0x8f,
  0x91,
  0x97,
  0x9e,
  0xa1,
  0xa2,
]);

/**
 * Decodes a SUBACK body.
 *
 * @example
 * ```ts
 * import { decodeSuback } from "./suback.ts";
 * import { createByteReader } from "./primitives.ts";
 * decodeSuback(createByteReader(new Uint8Array([0, 1, 1])), 4).reasonCodes; // [1]
 * ```
 */
export function decodeSuback(
  r: ByteReader,
  version: ProtocolVersion,
): SubackPacket {
  const packetId = readPacketId(r, WHAT);
  const packet: SubackPacket = {
    type: PacketType.SUBACK,
    packetId,
    reasonCodes: [],
  };
  if (version === 5) {
    const properties = decodeProperties(r, PacketType.SUBACK);
    if (properties !== undefined) packet.properties = properties;
  }
  while (r.pos < r.end) {
    const code = readU8(r, WHAT, "reason code");
    if (
      version === 5 ? !SUBACK_REASON_CODES.has(code) : code > 2 && code !== 0x80
    ) {
      protocolError(WHAT, `invalid return code 0x${code.toString(16)}`);
    }
    packet.reasonCodes.push(code as ReasonCode);
  }
  if (packet.reasonCodes.length === 0) malformed(WHAT, "no return codes");
  return packet;
}

/**
 * Encodes a SUBACK packet.
 *
 * @example
 * ```ts
 * import { encodeSuback } from "./suback.ts";
 * import { createByteWriter } from "./primitives.ts";
 * const w = createByteWriter();
 * encodeSuback(w, { type: 9, packetId: 1, reasonCodes: [1] }, 4);
 * w.buf.subarray(0, w.pos); // Uint8Array [144, 3, 0, 1, 1]
 * ```
 */
export function encodeSuback(
  w: ByteWriter,
  p: SubackPacket,
  version: ProtocolVersion,
): void {
  const start = beginPacket(w);
  writeU16(w, p.packetId);
  if (version === 5) encodeProperties(w, p.properties, PacketType.SUBACK);
  for (const code of p.reasonCodes) {
    writeU8(w, version === 5 || code <= 2 ? code : 0x80);
  }
  endPacket(w, start, PacketType.SUBACK << 4);
}
