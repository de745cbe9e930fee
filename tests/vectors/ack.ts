/**
 * PUBACK, PUBREC, PUBREL and PUBCOMP vectors: captures of MQTT.js 5.16,
 * mosquitto_pub 2.0.11 and the mosquitto broker (`captures/`), hand-made
 * violations.
 *
 * @module
 */

import type { InvalidVector, ValidVector } from "./types.ts";
import { hex } from "./types.ts";

export const valid: ValidVector[] = [
  {
    name: "mosquitto broker PUBACK to a 3.1 client",
    version: 3,
    spec: "3.1 §3.4",
    hex: hex("40 02", "00 01"), // PUBACK, packet id 1
    packet: { type: 4, packetId: 1 },
  },
  {
    name: "3.1 PUBREL",
    version: 3,
    spec: "3.1 §3.6",
    hex: hex("62 02", "00 01"), // PUBREL (flags 0010), packet id 1
    packet: { type: 6, packetId: 1 },
  },
  {
    name: "mosquitto_pub -V mqttv311 PUBREL",
    version: 4,
    spec: "MQTT-3.6.1-1",
    hex: hex("62 02", "00 01"),
    packet: { type: 6, packetId: 1 },
  },
  {
    name: "MQTT.js v4 PUBACK to a broker forward",
    version: 4,
    spec: "§3.4",
    hex: hex("40 02", "00 02"),
    packet: { type: 4, packetId: 2 },
  },
  {
    name: "mosquitto broker PUBREC",
    version: 4,
    spec: "§3.5",
    hex: hex("50 02", "a7 fd"),
    packet: { type: 5, packetId: 0xa7fd },
  },
  {
    name: "mosquitto broker PUBCOMP",
    version: 4,
    spec: "§3.7",
    hex: hex("70 02", "a7 fd"),
    packet: { type: 7, packetId: 0xa7fd },
  },
  {
    name: "mosquitto broker v5 PUBACK No matching subscribers",
    version: 5,
    spec: "§3.4.2.1",
    hex: hex("40 03", "00 01", "10"), // reason 0x10, no properties
    packet: { type: 4, packetId: 1, reasonCode: 0x10 },
  },
  {
    name: "MQTT.js v5 PUBREL with explicit Success and empty properties",
    version: 5,
    spec: "§3.6.2.1",
    hex: hex("62 04", "9e 6f", "00", "00"),
    encodedHex: hex("62 02 9e 6f"), // we omit Success without properties
    packet: { type: 6, packetId: 0x9e6f, reasonCode: 0x00 },
  },
  {
    name: "v5 PUBACK short form",
    version: 5,
    spec: "§3.4.2.1",
    hex: hex("40 02", "9e 6e"),
    packet: { type: 4, packetId: 0x9e6e },
  },
  {
    name: "v5 PUBREC failure with reason string",
    version: 5,
    spec: "§3.5.2.2.2",
    hex: hex("50 0a", "00 05", "80", "06", "1f 00 03 62 61 64"), // "bad"
    packet: {
      type: 5,
      packetId: 5,
      reasonCode: 0x80,
      properties: { reasonString: "bad" },
    },
  },
  {
    name: "v5 PUBCOMP Packet Identifier not found",
    version: 5,
    spec: "§3.7.2.1",
    hex: hex("70 03", "00 07", "92"),
    packet: { type: 7, packetId: 7, reasonCode: 0x92 },
  },
];

export const invalid: InvalidVector[] = [
  {
    name: "3.1 PUBACK packet id 0",
    version: 3,
    spec: "MQTT-2.3.1-1",
    hex: hex("40 02 00 00"),
    reasonCode: 0x81,
  },
  {
    name: "3.1 PUBCOMP with a trailing byte",
    version: 3,
    spec: "§3.7",
    hex: hex("70 03 00 01 00"),
    reasonCode: 0x81,
  },
  {
    name: "PUBACK packet id 0",
    version: 4,
    spec: "MQTT-2.3.1-1",
    hex: hex("40 02 00 00"),
    reasonCode: 0x81,
  },
  {
    name: "3.1.1 PUBACK with a reason code",
    version: 4,
    spec: "§3.4.1",
    hex: hex("40 03 00 01 00"),
    reasonCode: 0x81,
  },
  {
    name: "PUBREL with flags 0000",
    version: 4,
    spec: "MQTT-3.6.1-1",
    hex: hex("60 02 00 01"),
    reasonCode: 0x81,
  },
  {
    name: "PUBREC with flags 0010",
    version: 4,
    spec: "MQTT-2.2.2-1",
    hex: hex("52 02 00 01"),
    reasonCode: 0x81,
  },
  {
    name: "v5 PUBACK with a PUBREL-only reason code",
    version: 5,
    spec: "§3.4.2.1",
    hex: hex("40 03 00 01 92"),
    reasonCode: 0x82,
  },
  {
    name: "v5 PUBREL with reason code 0x10",
    version: 5,
    spec: "§3.6.2.1",
    hex: hex("62 03 00 01 10"),
    reasonCode: 0x82,
  },
  {
    name: "v5 PUBACK carrying a Topic Alias",
    version: 5,
    spec: "MQTT-2.2.2-2",
    hex: hex("40 07 00 01 00 03 23 00 01"),
    reasonCode: 0x81,
  },
  {
    name: "v5 PUBACK with two reason strings",
    version: 5,
    spec: "§3.4.2.2.2",
    hex: hex("40 0c 00 01 80 08", "1f 00 01 61", "1f 00 01 62"),
    reasonCode: 0x82,
  },
  {
    name: "v5 PUBCOMP packet id 0",
    version: 5,
    spec: "MQTT-2.3.1-1",
    hex: hex("70 02 00 00"),
    reasonCode: 0x81,
  },
];
