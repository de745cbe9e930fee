/**
 * Encoding any packet: into a caller's reusable {@link ByteWriter}, or into a
 * fresh `Uint8Array` for tests and one-off use.
 *
 * @module
 */

import { encodeAck } from "./ack.ts";
import { encodeAuth } from "./auth.ts";
import { encodeConnack } from "./connack.ts";
import { encodeConnect } from "./connect.ts";
import { encodeDisconnect } from "./disconnect.ts";
import { encodePing } from "./ping.ts";
import { type ByteWriter, createByteWriter } from "./primitives.ts";
import { encodePublish } from "./publish.ts";
import { encodeSuback } from "./suback.ts";
import { encodeSubscribe } from "./subscribe.ts";
import { encodeUnsuback } from "./unsuback.ts";
import { encodeUnsubscribe } from "./unsubscribe.ts";
import type { Packet, ProtocolVersion } from "./types.ts";
import { PacketType } from "./types.ts";

/**
 * Appends the encoding of `packet` for protocol `version` at `w.pos`.
 * Fields the version cannot carry (v5 properties before 5.0) are dropped.
 * Throws TypeError/RangeError for packets that cannot be encoded.
 */
export function encodePacketInto(
  w: ByteWriter,
  packet: Packet,
  version: ProtocolVersion,
): void {
  switch (packet.type) {
    case PacketType.PUBLISH:
      return encodePublish(w, packet, version);
    case PacketType.PUBACK:
    case PacketType.PUBREC:
    case PacketType.PUBREL:
    case PacketType.PUBCOMP:
      return encodeAck(w, packet, version);
    case PacketType.CONNECT:
      return encodeConnect(w, packet);
    case PacketType.CONNACK:
      return encodeConnack(w, packet, version);
    case PacketType.SUBSCRIBE:
      return encodeSubscribe(w, packet, version);
    case PacketType.SUBACK:
      return encodeSuback(w, packet, version);
    case PacketType.UNSUBSCRIBE:
      return encodeUnsubscribe(w, packet, version);
    case PacketType.UNSUBACK:
      return encodeUnsuback(w, packet, version);
    case PacketType.PINGREQ:
    case PacketType.PINGRESP:
      return encodePing(w, packet);
    case PacketType.DISCONNECT:
      return encodeDisconnect(w, packet, version);
    case PacketType.AUTH:
      if (version < 5) {
        throw new TypeError("Cannot encode AUTH before MQTT 5.0");
      }
      return encodeAuth(w, packet);
    default: {
      const never: never = packet;
      throw new TypeError(`Cannot encode packet ${JSON.stringify(never)}`);
    }
  }
}

/**
 * Encodes one packet into a new `Uint8Array` of exactly its size.
 *
 * @example
 * ```ts
 * import { encodePacket } from "./encode_packet.ts";
 * encodePacket({ type: 12 }, 4); // Uint8Array [192, 0]
 * ```
 */
export function encodePacket(
  packet: Packet,
  version: ProtocolVersion,
): Uint8Array {
  const w = createByteWriter(64);
  encodePacketInto(w, packet, version);
  return w.buf.slice(0, w.pos);
}
