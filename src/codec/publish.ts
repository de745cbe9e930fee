/**
 * PUBLISH (§3.3): decoder and encoder for all versions. This is the hot
 * path: the decoder makes one object and one payload copy per packet, the
 * encoder writes straight into the caller's buffer.
 *
 * Topic names are checked only for UTF-8 and structure here; wildcard and
 * level rules belong to `src/topic`.
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
  readTopic,
  utf8Length,
  writeBytes,
  writeFixedHeader,
  writeString,
  writeU16,
} from "./primitives.ts";
import { decodeProperties, encodeProperties } from "./properties.ts";
import type {
  Properties,
  ProtocolVersion,
  PublishPacket,
  QoS,
} from "./types.ts";
import { PacketType } from "./types.ts";

const WHAT = "PUBLISH";

/**
 * Decodes a PUBLISH body given the fixed-header flags. The payload is a view
 * of `r.buf` (no copy here): callers own `r.buf` and must not reuse it.
 * {@link createPacketDecoder} hands in buffers of its own.
 *
 * @example
 * ```ts
 * import { decodePublish } from "./publish.ts";
 * import { createByteReader } from "./primitives.ts";
 * const body = new Uint8Array([0, 1, 116, 104, 105]);
 * decodePublish(createByteReader(body), 0, 4).topic; // "t"
 * ```
 */
export function decodePublish(
  r: ByteReader,
  flags: number,
  version: ProtocolVersion,
): PublishPacket {
  const qos = (flags >> 1) & 0x03;
  if (qos === 3) malformed(WHAT, "QoS is 3 [MQTT-3.3.1-4]");
  const dup = (flags & 0x08) !== 0;
  if (dup && qos === 0) malformed(WHAT, "DUP set on QoS 0 [MQTT-3.3.1-2]");
  const topic = readTopic(r, WHAT, "topic name");
  let packetId: number | undefined;
  if (qos > 0) {
    const p = r.pos;
    if (p + 2 > r.end) malformed(WHAT, "packet identifier overruns packet");
    packetId = (r.buf[p] << 8) | r.buf[p + 1];
    r.pos = p + 2;
    if (packetId === 0) {
      malformed(WHAT, "packet identifier is 0 [MQTT-2.3.1-1]");
    }
  }
  let properties: Properties | undefined;
  if (version === 5) {
    // Most PUBLISH packets carry no properties: skip the general decoder.
    if (r.pos < r.end && r.buf[r.pos] === 0) r.pos++;
    else properties = decodeProperties(r, PacketType.PUBLISH);
    if (topic === "" && properties?.topicAlias === undefined) {
      protocolError(
        WHAT,
        "empty topic name without Topic Alias [MQTT-3.3.2-1]",
      );
    }
  }
  const payload = r.buf.subarray(r.pos, r.end);
  r.pos = r.end;
  return {
    type: PacketType.PUBLISH,
    topic,
    payload,
    qos: qos as QoS,
    retain: (flags & 0x01) !== 0,
    dup,
    packetId,
    properties,
  };
}

function firstByte(p: PublishPacket): number {
  return (PacketType.PUBLISH << 4) | (p.dup ? 0x08 : 0) | (p.qos << 1) |
    (p.retain ? 0x01 : 0);
}

/**
 * Encodes a PUBLISH packet. Properties are written only for version 5.
 *
 * @example
 * ```ts
 * import { encodePublish } from "./publish.ts";
 * import { createByteWriter } from "./primitives.ts";
 * const w = createByteWriter();
 * encodePublish(w, { type: 3, topic: "t", payload: new Uint8Array([104, 105]), qos: 0, retain: false, dup: false }, 4);
 * w.pos; // 7
 * ```
 */
export function encodePublish(
  w: ByteWriter,
  p: PublishPacket,
  version: ProtocolVersion,
): void {
  if (p.qos > 0 && !p.packetId) {
    throw new TypeError("Cannot encode PUBLISH: QoS > 0 needs a packetId");
  }
  if (version === 5 && p.properties !== undefined) {
    const start = beginPacket(w);
    writeString(w, p.topic);
    if (p.qos > 0) writeU16(w, p.packetId!);
    encodeProperties(w, p.properties, PacketType.PUBLISH);
    writeBytes(w, p.payload);
    endPacket(w, start, firstByte(p));
    return;
  }
  // Exact length up front: no reservation, no shifting.
  const topicLen = utf8Length(p.topic);
  const remaining = 2 + topicLen + (p.qos > 0 ? 2 : 0) +
    (version === 5 ? 1 : 0) + p.payload.length;
  writeFixedHeader(w, firstByte(p), remaining);
  writeString(w, p.topic);
  const b = w.buf;
  let pos = w.pos;
  if (p.qos > 0) {
    b[pos++] = p.packetId! >>> 8;
    b[pos++] = p.packetId!;
  }
  if (version === 5) b[pos++] = 0;
  b.set(p.payload, pos);
  w.pos = pos + p.payload.length;
}
