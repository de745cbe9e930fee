/**
 * SUBSCRIBE (§3.8): decoder and encoder for all versions. Filters are checked
 * for UTF-8 only; filter syntax belongs to `src/topic`.
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
  readString,
  readU8,
  writeString,
  writeU16,
  writeU8,
} from "./primitives.ts";
import { decodeProperties, encodeProperties } from "./properties.ts";
import type {
  ProtocolVersion,
  QoS,
  RetainHandling,
  SubscribePacket,
  Subscription,
} from "./types.ts";
import { PacketType } from "./types.ts";

const WHAT = "SUBSCRIBE";

/**
 * Decodes a SUBSCRIBE body.
 *
 * @example
 * ```ts
 * import { decodeSubscribe } from "./subscribe.ts";
 * import { createByteReader } from "./primitives.ts";
 * const body = new Uint8Array([0, 1, 0, 1, 97, 1]);
 * decodeSubscribe(createByteReader(body), 4).subscriptions; // [{ filter: "a", qos: 1 }]
 * ```
 */
export function decodeSubscribe(
  r: ByteReader,
  version: ProtocolVersion,
): SubscribePacket {
  const packetId = readPacketId(r, WHAT);
  const packet: SubscribePacket = {
    type: PacketType.SUBSCRIBE,
    packetId,
    subscriptions: [],
  };
  if (version === 5) {
    const properties = decodeProperties(r, PacketType.SUBSCRIBE);
    if (properties !== undefined) packet.properties = properties;
  }
  while (r.pos < r.end) {
    const filter = readString(r, WHAT, "topic filter");
    const options = readU8(r, WHAT, "subscription options");
    packet.subscriptions.push(decodeOptions(filter, options, version));
  }
  if (packet.subscriptions.length === 0) {
    protocolError(WHAT, "no topic filters [MQTT-3.8.3-3]");
  }
  return packet;
}

function decodeOptions(
  filter: string,
  options: number,
  version: ProtocolVersion,
): Subscription {
  const qos = options & 0x03;
  if (version < 5) {
    if (options & 0xfc) {
      malformed(WHAT, "reserved option bits set [MQTT-3.8.3-4]");
    }
    if (qos === 3) malformed(WHAT, "requested QoS is 3 [MQTT-3.8.3-4]");
    return { filter, qos: qos as QoS };
  }
  if (options & 0xc0) {
    malformed(WHAT, "reserved option bits set [MQTT-3.8.3-5]");
  }
  if (qos === 3) protocolError(WHAT, "maximum QoS is 3 (§3.8.3.1)");
  const retainHandling = (options >> 4) & 0x03;
  if (retainHandling === 3) {
    protocolError(WHAT, "retain handling is 3 (§3.8.3.1)");
  }
  return {
    filter,
    qos: qos as QoS,
    noLocal: (options & 0x04) !== 0,
    retainAsPublished: (options & 0x08) !== 0,
    retainHandling: retainHandling as RetainHandling,
  };
}

/**
 * Encodes a SUBSCRIBE packet; v5 options are dropped for older versions.
 *
 * @example
 * ```ts
 * import { encodeSubscribe } from "./subscribe.ts";
 * import { createByteWriter } from "./primitives.ts";
 * const w = createByteWriter();
 * encodeSubscribe(w, { type: 8, packetId: 1, subscriptions: [{ filter: "a", qos: 1 }] }, 4);
 * w.buf.subarray(0, w.pos); // Uint8Array [130, 6, 0, 1, 0, 1, 97, 1]
 * ```
 */
export function encodeSubscribe(
  w: ByteWriter,
  p: SubscribePacket,
  version: ProtocolVersion,
): void {
  const start = beginPacket(w);
  writeU16(w, p.packetId);
  if (version === 5) encodeProperties(w, p.properties, PacketType.SUBSCRIBE);
  for (const s of p.subscriptions) {
    writeString(w, s.filter);
    let options: number = s.qos;
    if (version === 5) {
      if (s.noLocal) options |= 0x04;
      if (s.retainAsPublished) options |= 0x08;
      options |= (s.retainHandling ?? 0) << 4;
    }
    writeU8(w, options);
  }
  endPacket(w, start, (PacketType.SUBSCRIBE << 4) | 0x02);
}
