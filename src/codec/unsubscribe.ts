/**
 * UNSUBSCRIBE (§3.10): decoder and encoder for all versions.
 *
 * @module
 */

import {
  beginPacket,
  type ByteReader,
  type ByteWriter,
  endPacket,
  protocolError,
  readPacketId,
  readString,
  writeString,
  writeU16,
} from "./primitives.ts";
import { decodeProperties, encodeProperties } from "./properties.ts";
import type { ProtocolVersion, UnsubscribePacket } from "./types.ts";
import { PacketType } from "./types.ts";

const WHAT = "UNSUBSCRIBE";

/**
 * Decodes an UNSUBSCRIBE body.
 *
 * @example
 * ```ts
 * import { decodeUnsubscribe } from "./unsubscribe.ts";
 * import { createByteReader } from "./primitives.ts";
 * const body = new Uint8Array([0, 1, 0, 1, 97]);
 * decodeUnsubscribe(createByteReader(body), 4).filters; // ["a"]
 * ```
 */
export function decodeUnsubscribe(
  r: ByteReader,
  version: ProtocolVersion,
): UnsubscribePacket {
  const packetId = readPacketId(r, WHAT);
  const packet: UnsubscribePacket = {
    type: PacketType.UNSUBSCRIBE,
    packetId,
    filters: [],
  };
  if (version === 5) {
    const properties = decodeProperties(r, PacketType.UNSUBSCRIBE);
    if (properties !== undefined) packet.properties = properties;
  }
  while (r.pos < r.end) {
    packet.filters.push(readString(r, WHAT, "topic filter"));
  }
  if (packet.filters.length === 0) {
    protocolError(WHAT, "no topic filters [MQTT-3.10.3-2]");
  }
  return packet;
}

/**
 * Encodes an UNSUBSCRIBE packet.
 *
 * @example
 * ```ts
 * import { encodeUnsubscribe } from "./unsubscribe.ts";
 * import { createByteWriter } from "./primitives.ts";
 * const w = createByteWriter();
 * encodeUnsubscribe(w, { type: 10, packetId: 1, filters: ["a"] }, 4);
 * w.buf.subarray(0, w.pos); // Uint8Array [162, 5, 0, 1, 0, 1, 97]
 * ```
 */
export function encodeUnsubscribe(
  w: ByteWriter,
  p: UnsubscribePacket,
  version: ProtocolVersion,
): void {
  const start = beginPacket(w);
  writeU16(w, p.packetId);
  if (version === 5) {
    encodeProperties(w, p.properties, PacketType.UNSUBSCRIBE);
  }
  for (const filter of p.filters) writeString(w, filter);
  endPacket(w, start, (PacketType.UNSUBSCRIBE << 4) | 0x02);
}
