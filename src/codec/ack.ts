/**
 * PUBACK, PUBREC, PUBREL and PUBCOMP (§3.4–3.7): one shape, one decoder and
 * one encoder for all versions.
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
  writeFixedHeader,
  writeU8,
} from "./primitives.ts";
import { PACKET_NAMES } from "./packet_names.ts";
import { decodeProperties, encodeProperties } from "./properties.ts";
import type { ReasonCode } from "./reason_codes.ts";
import type {
  ProtocolVersion,
  PubackPacket,
  PubcompPacket,
  PubrecPacket,
  PubrelPacket,
} from "./types.ts";
import { PacketType } from "./types.ts";

/** Any of the four acknowledgement packets. */
export type AnyAckPacket =
  | PubackPacket
  | PubrecPacket
  | PubrelPacket
  | PubcompPacket;

/** The packet types of {@link AnyAckPacket}. */
export type AckType = AnyAckPacket["type"];

/** Reason codes of PUBACK and PUBREC (§3.4.2.1, §3.5.2.1). */
export const PUBACK_REASON_CODES: ReadonlySet<number> = new Set([
  0x00,
  0x10,
  0x80,
  0x83,
  0x87,
  0x90,
  0x91,
  0x97,
  0x99,
]);
/** Reason codes of PUBREL and PUBCOMP (§3.6.2.1, §3.7.2.1). */
export const PUBREL_REASON_CODES: ReadonlySet<number> = new Set([0x00, 0x92]);

/**
 * Decodes an acknowledgement body of packet type `type`.
 *
 * @example
 * ```ts
 * import { decodeAck } from "./ack.ts";
 * import { createByteReader } from "./primitives.ts";
 * decodeAck(createByteReader(new Uint8Array([0, 7])), 4, 4).packetId; // 7
 * ```
 */
export function decodeAck(
  r: ByteReader,
  type: AckType,
  version: ProtocolVersion,
): AnyAckPacket {
  const what = PACKET_NAMES[type];
  const len = r.end - r.pos;
  if (version < 5 && len !== 2) {
    malformed(what, `remaining length is ${len}, not 2`);
  }
  const packetId = readPacketId(r, what);
  const packet = { type, packetId } as AnyAckPacket;
  if (len > 2) {
    const code = readU8(r, what, "reason code");
    const allowed = type === PacketType.PUBACK || type === PacketType.PUBREC
      ? PUBACK_REASON_CODES
      : PUBREL_REASON_CODES;
    if (!allowed.has(code)) {
      protocolError(what, `invalid reason code 0x${code.toString(16)}`);
    }
    packet.reasonCode = code as ReasonCode;
    if (len > 3) {
      const properties = decodeProperties(r, type);
      if (properties !== undefined) packet.properties = properties;
    }
    if (r.pos !== r.end) malformed(what, "trailing bytes");
  }
  return packet;
}

/**
 * Encodes an acknowledgement in its shortest form: a v5 Success without
 * properties is just the packet identifier (§3.4.2.1).
 *
 * @example
 * ```ts
 * import { encodeAck } from "./ack.ts";
 * import { createByteWriter } from "./primitives.ts";
 * const w = createByteWriter();
 * encodeAck(w, { type: 4, packetId: 7 }, 4);
 * w.buf.subarray(0, w.pos); // Uint8Array [64, 2, 0, 7]
 * ```
 */
export function encodeAck(
  w: ByteWriter,
  p: AnyAckPacket,
  version: ProtocolVersion,
): void {
  const first = (p.type << 4) | (p.type === PacketType.PUBREL ? 0x02 : 0);
  const code = p.reasonCode ?? 0;
  if (version === 5 && p.properties !== undefined) {
    const start = beginPacket(w);
    writeU8(w, p.packetId >>> 8);
    writeU8(w, p.packetId & 0xff);
    writeU8(w, code);
    encodeProperties(w, p.properties, p.type);
    endPacket(w, start, first);
    return;
  }
  const long = version === 5 && code !== 0;
  writeFixedHeader(w, first, long ? 3 : 2);
  const b = w.buf;
  b[w.pos++] = p.packetId >>> 8;
  b[w.pos++] = p.packetId;
  if (long) b[w.pos++] = code;
}
