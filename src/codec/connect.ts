/**
 * CONNECT (§3.1): decoder and encoder for 3.1 (`MQIsdp`, level 3), 3.1.1
 * (level 4) and 5.0 (level 5). The version comes from the packet itself.
 *
 * @module
 */

import { UnsupportedProtocolVersionError } from "./errors.ts";
import {
  beginPacket,
  type ByteReader,
  type ByteWriter,
  endPacket,
  malformed,
  readBinary,
  readString,
  readU16,
  readU8,
  writeBinary,
  writeString,
  writeU16,
  writeU8,
} from "./primitives.ts";
import {
  checkAuthenticationMethod,
  decodeProperties,
  encodeProperties,
  WILL_PROPERTIES,
} from "./properties.ts";
import type { ConnectPacket, ProtocolVersion, QoS, Will } from "./types.ts";
import { PacketType } from "./types.ts";

const WHAT = "CONNECT";

function checkProtocol(name: string, level: number): ProtocolVersion {
  if (name === "MQTT" && (level === 4 || level === 5)) return level;
  if (name === "MQIsdp" && level === 3) return 3;
  throw new UnsupportedProtocolVersionError(name, level);
}

/**
 * Decodes a CONNECT body. Throws {@link UnsupportedProtocolVersionError}
 * (0x84) for an unknown protocol name or level, MqttError 0x81 otherwise.
 *
 * @example
 * ```ts
 * import { decodeConnect } from "./connect.ts";
 * import { createByteReader } from "./primitives.ts";
 * const body = new Uint8Array([0, 4, 77, 81, 84, 84, 4, 2, 0, 60, 0, 1, 97]);
 * decodeConnect(createByteReader(body)).clientId; // "a"
 * ```
 */
export function decodeConnect(r: ByteReader): ConnectPacket {
  const protocolName = readString(r, WHAT, "protocol name");
  const level = readU8(r, WHAT, "protocol level");
  const protocolVersion = checkProtocol(protocolName, level);
  const flags = readU8(r, WHAT, "connect flags");
  if (flags & 0x01) malformed(WHAT, "reserved flag is set [MQTT-3.1.2-3]");
  const willFlag = (flags & 0x04) !== 0;
  const willQoS = (flags >> 3) & 0x03;
  const willRetain = (flags & 0x20) !== 0;
  const hasPassword = (flags & 0x40) !== 0;
  const hasUsername = (flags & 0x80) !== 0;
  if (!willFlag && willQoS !== 0) {
    malformed(WHAT, "Will QoS set without Will Flag [MQTT-3.1.2-13]");
  }
  if (!willFlag && willRetain) {
    malformed(WHAT, "Will Retain set without Will Flag [MQTT-3.1.2-15]");
  }
  if (willQoS === 3) malformed(WHAT, "Will QoS is 3 [MQTT-3.1.2-14]");
  if (protocolVersion < 5 && hasPassword && !hasUsername) {
    malformed(WHAT, "password without user name [MQTT-3.1.2-22]");
  }
  const packet: ConnectPacket = {
    type: PacketType.CONNECT,
    protocolName,
    protocolVersion,
    clean: (flags & 0x02) !== 0,
    keepAlive: readU16(r, WHAT, "keep alive"),
    clientId: "",
  };
  if (protocolVersion === 5) {
    const properties = decodeProperties(r, PacketType.CONNECT);
    if (properties !== undefined) {
      checkAuthenticationMethod(properties, WHAT);
      packet.properties = properties;
    }
  }
  packet.clientId = readString(r, WHAT, "client identifier");
  if (willFlag) {
    packet.will = decodeWill(r, protocolVersion, willQoS as QoS, willRetain);
  }
  if (hasUsername) packet.username = readString(r, WHAT, "user name");
  if (hasPassword) packet.password = readBinary(r, WHAT, "password");
  if (r.pos !== r.end) malformed(WHAT, "trailing bytes after payload");
  return packet;
}

function decodeWill(
  r: ByteReader,
  version: ProtocolVersion,
  qos: QoS,
  retain: boolean,
): Will {
  const properties = version === 5
    ? decodeProperties(r, WILL_PROPERTIES)
    : undefined;
  const topic = readString(r, WHAT, "will topic");
  const payload = readBinary(r, WHAT, "will payload");
  const will: Will = { topic, payload, qos, retain };
  if (properties !== undefined) will.properties = properties;
  return will;
}

/**
 * Encodes a CONNECT packet, fixed header included. The protocol level and
 * name are the packet's own.
 *
 * @example
 * ```ts
 * import { encodeConnect } from "./connect.ts";
 * import { createByteWriter } from "./primitives.ts";
 * const w = createByteWriter();
 * encodeConnect(w, { type: 1, protocolName: "MQTT", protocolVersion: 4, clean: true, keepAlive: 60, clientId: "a" });
 * w.pos; // 15
 * ```
 */
export function encodeConnect(w: ByteWriter, p: ConnectPacket): void {
  const start = beginPacket(w);
  const v = p.protocolVersion;
  writeString(w, p.protocolName);
  writeU8(w, v);
  let flags = p.clean ? 0x02 : 0;
  const will = p.will;
  if (will !== undefined) {
    flags |= 0x04 | (will.qos << 3) | (will.retain ? 0x20 : 0);
  }
  if (p.password !== undefined) flags |= 0x40;
  if (p.username !== undefined) flags |= 0x80;
  writeU8(w, flags);
  writeU16(w, p.keepAlive);
  if (v === 5) encodeProperties(w, p.properties, PacketType.CONNECT);
  writeString(w, p.clientId);
  if (will !== undefined) {
    if (v === 5) encodeProperties(w, will.properties, WILL_PROPERTIES);
    writeString(w, will.topic);
    writeBinary(w, will.payload);
  }
  if (p.username !== undefined) writeString(w, p.username);
  if (p.password !== undefined) writeBinary(w, p.password);
  endPacket(w, start, PacketType.CONNECT << 4);
}
