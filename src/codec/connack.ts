/**
 * CONNACK (§3.2): decoder and encoder for all versions. The packet always
 * carries a v5 reason code; 3.1 and 3.1.1 put the mapped return code on the
 * wire ({@link toConnectReturnCode}).
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
import {
  fromConnectReturnCode,
  type ReasonCode,
  toConnectReturnCode,
} from "./reason_codes.ts";
import type { ConnackPacket, ProtocolVersion } from "./types.ts";
import { PacketType } from "./types.ts";

const WHAT = "CONNACK";

/** Reason codes a v5 CONNACK may carry (§3.2.2.2). */
export const CONNACK_REASON_CODES: ReadonlySet<number> = new Set([
  0x00,
  0x80,
  0x81,
  0x82,
  0x83,
  0x84,
  0x85,
  0x86,
  0x87,
  0x88,
  0x89,
  0x8a,
  0x8c,
  0x90,
  0x95,
  0x97,
  0x99,
  0x9a,
  0x9b,
  0x9c,
  0x9d,
  0x9f,
]);

/**
 * Decodes a CONNACK body.
 *
 * @example
 * ```ts
 * import { decodeConnack } from "./connack.ts";
 * import { createByteReader } from "./primitives.ts";
 * decodeConnack(createByteReader(new Uint8Array([0, 5])), 4).reasonCode; // 0x87
 * ```
 */
export function decodeConnack(
  r: ByteReader,
  version: ProtocolVersion,
): ConnackPacket {
  const flags = readU8(r, WHAT, "acknowledge flags");
  if (flags & 0xfe) malformed(WHAT, "reserved acknowledge flags are set");
  const code = readU8(r, WHAT, "return code");
  const sessionPresent = flags === 1;
  let reasonCode: ReasonCode;
  const packet: ConnackPacket = {
    type: PacketType.CONNACK,
    sessionPresent,
    reasonCode: 0,
  };
  if (version === 5) {
    if (!CONNACK_REASON_CODES.has(code)) {
      protocolError(WHAT, `invalid reason code 0x${code.toString(16)}`);
    }
    reasonCode = code as ReasonCode;
    if (r.pos < r.end) {
      const properties = decodeProperties(r, PacketType.CONNACK);
      if (properties !== undefined) packet.properties = properties;
    }
  } else {
    if (code > 5) malformed(WHAT, `unknown return code ${code}`);
    reasonCode = fromConnectReturnCode(code);
  }
  if (sessionPresent && code !== 0) {
    malformed(WHAT, "session present with a failure code [MQTT-3.2.2-4]");
  }
  if (r.pos !== r.end) malformed(WHAT, "trailing bytes");
  packet.reasonCode = reasonCode;
  return packet;
}

/**
 * Encodes a CONNACK packet; for versions 3 and 4 the reason code becomes a
 * return code and properties are dropped.
 *
 * @example
 * ```ts
 * import { encodeConnack } from "./connack.ts";
 * import { createByteWriter } from "./primitives.ts";
 * const w = createByteWriter();
 * encodeConnack(w, { type: 2, sessionPresent: false, reasonCode: 0x87 }, 4);
 * w.buf.subarray(0, w.pos); // Uint8Array [32, 2, 0, 5]
 * ```
 */
export function encodeConnack(
  w: ByteWriter,
  p: ConnackPacket,
  version: ProtocolVersion,
): void {
  const start = beginPacket(w);
  // 3.1 has no Session Present flag.
  writeU8(w, p.sessionPresent && version > 3 ? 1 : 0);
  if (version === 5) {
    writeU8(w, p.reasonCode);
    encodeProperties(w, p.properties, PacketType.CONNACK);
  } else {
    writeU8(w, toConnectReturnCode(p.reasonCode));
  }
  endPacket(w, start, PacketType.CONNACK << 4);
}
