/**
 * SUBACK vectors: replies of the mosquitto 2.0.11 broker (`captures/`) and
 * hand-typed ones.
 *
 * @module
 */

import type { InvalidVector, ValidVector } from "./types.ts";
import { hex } from "./types.ts";

export const valid: ValidVector[] = [
  {
    name: "mosquitto broker SUBACK to a 3.1 client",
    version: 3,
    spec: "3.1 §3.9",
    hex: hex("90 03", "00 01", "01"), // packet id 1, granted QoS 1
    packet: { type: 9, packetId: 1, reasonCodes: [1] },
  },
  {
    name: "mosquitto broker SUBACK two grants",
    version: 4,
    spec: "MQTT-3.9.3-1",
    hex: hex("90 04", "a7 fb", "01 02"),
    packet: { type: 9, packetId: 0xa7fb, reasonCodes: [1, 2] },
  },
  {
    name: "failure return code",
    version: 4,
    spec: "§3.9.3",
    hex: hex("90 03", "00 01", "80"),
    packet: { type: 9, packetId: 1, reasonCodes: [0x80] },
  },
  {
    name: "mosquitto broker v5 SUBACK",
    version: 5,
    spec: "§3.9.3",
    hex: hex("90 05", "16 46", "00", "01 02"), // property length 0
    packet: { type: 9, packetId: 0x1646, reasonCodes: [1, 2] },
  },
  {
    name: "v5 SUBACK failures with reason string",
    version: 5,
    spec: "§3.9.2.1.2",
    hex: hex("90 0c", "00 01", "05 1f 00 02 6e 6f", "00 87 8f 9e"),
    packet: {
      type: 9,
      packetId: 1,
      properties: { reasonString: "no" },
      reasonCodes: [0x00, 0x87, 0x8f, 0x9e],
    },
  },
];

export const invalid: InvalidVector[] = [
  {
    name: "3.1 packet id 0",
    version: 3,
    spec: "MQTT-2.3.1-1",
    hex: hex("90 03 00 00 01"),
    reasonCode: 0x81,
  },
  {
    name: "return code 3",
    version: 4,
    spec: "§3.9.3",
    hex: hex("90 03 00 01 03"),
    reasonCode: 0x82,
  },
  {
    name: "no return codes",
    version: 4,
    spec: "MQTT-3.9.3-1",
    hex: hex("90 02 00 01"),
    reasonCode: 0x81,
  },
  {
    name: "fixed header flags 0001",
    version: 4,
    spec: "MQTT-2.2.2-1",
    hex: hex("91 03 00 01 00"),
    reasonCode: 0x81,
  },
  {
    name: "v5 reason code 0x10",
    version: 5,
    spec: "§3.9.3",
    hex: hex("90 04 00 01 00 10"),
    reasonCode: 0x82,
  },
];
