/**
 * Fixed-header rules and the dispatch from packet type to body decoder.
 *
 * @module
 */

import { decodeAck } from "./ack.ts";
import { decodeAuth } from "./auth.ts";
import { decodeConnack } from "./connack.ts";
import { decodeConnect } from "./connect.ts";
import { decodeDisconnect } from "./disconnect.ts";
import { decodePing } from "./ping.ts";
import { type ByteReader, malformed } from "./primitives.ts";
import { PACKET_NAMES } from "./packet_names.ts";
import { decodePublish } from "./publish.ts";
import { decodeSuback } from "./suback.ts";
import { decodeSubscribe } from "./subscribe.ts";
import { decodeUnsuback } from "./unsuback.ts";
import { decodeUnsubscribe } from "./unsubscribe.ts";
import type { Packet, ProtocolVersion } from "./types.ts";
import { PacketType } from "./types.ts";

/**
 * Checks the first byte of a fixed header: the packet type is defined for
 * `version` and the reserved flag bits hold their required values
 * ([MQTT-2.2.2-1], [MQTT-2.2.2-2]); PUBLISH QoS is not 3 [MQTT-3.3.1-4].
 * Throws MqttError 0x81.
 */
export function checkFixedHeader(
  first: number,
  version: ProtocolVersion,
): void {
  const type = first >> 4;
  const flags = first & 0x0f;
  switch (type) {
    case 0:
      return malformed("packet", "packet type 0 is reserved [MQTT-2.2.2-2]");
    case PacketType.PUBLISH:
      if ((flags & 0x06) === 0x06) {
        malformed("PUBLISH", "QoS is 3 [MQTT-3.3.1-4]");
      }
      if ((flags & 0x0e) === 0x08) {
        malformed("PUBLISH", "DUP set on QoS 0 [MQTT-3.3.1-2]");
      }
      return;
    case PacketType.PUBREL:
    case PacketType.SUBSCRIBE:
    case PacketType.UNSUBSCRIBE:
      // 3.1 let clients set DUP when retrying these (3.1 §2.1); later
      // versions reserve the bit.
      if (flags !== 0x02 && !(version === 3 && flags === 0x0a)) {
        badFlags(type, flags);
      }
      return;
    case PacketType.AUTH:
      if (version < 5) {
        malformed(
          "packet",
          "packet type 15 is reserved before 5.0 [MQTT-2.2.2-2]",
        );
      }
      if (flags !== 0) badFlags(type, flags);
      return;
    default:
      if (flags !== 0) badFlags(type, flags);
  }
}

function badFlags(type: number, flags: number): never {
  return malformed(
    PACKET_NAMES[type],
    `reserved fixed header flags are 0x${flags.toString(16)} [MQTT-2.2.2-1]`,
  );
}

/**
 * Decodes the body `r.buf[r.pos, r.end)` of a packet whose first byte is
 * `first` (already checked by {@link checkFixedHeader}).
 */
export function decodeBody(
  first: number,
  r: ByteReader,
  version: ProtocolVersion,
): Packet {
  const type = first >> 4;
  switch (type) {
    case PacketType.PUBLISH:
      return decodePublish(r, first & 0x0f, version);
    case PacketType.PUBACK:
    case PacketType.PUBREC:
    case PacketType.PUBREL:
    case PacketType.PUBCOMP:
      return decodeAck(r, type, version);
    case PacketType.CONNECT:
      return decodeConnect(r);
    case PacketType.CONNACK:
      return decodeConnack(r, version);
    case PacketType.SUBSCRIBE:
      return decodeSubscribe(r, version);
    case PacketType.SUBACK:
      return decodeSuback(r, version);
    case PacketType.UNSUBSCRIBE:
      return decodeUnsubscribe(r, version);
    case PacketType.UNSUBACK:
      return decodeUnsuback(r, version);
    case PacketType.PINGREQ:
    case PacketType.PINGRESP:
      return decodePing(r, type);
    case PacketType.DISCONNECT:
      return decodeDisconnect(r, version);
    case PacketType.AUTH:
      return decodeAuth(r);
    default:
      return malformed("packet", `packet type ${type} is reserved`);
  }
}
