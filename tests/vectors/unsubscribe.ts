/**
 * UNSUBSCRIBE vectors: captures of MQTT.js 5.16 and mosquitto_sub 2.0.11
 * (`captures/`), hand-made violations.
 *
 * @module
 */

import type { InvalidVector, ValidVector } from "./types.ts";
import { hex } from "./types.ts";

export const valid: ValidVector[] = [
  {
    name: "3.1 UNSUBSCRIBE one filter",
    version: 3,
    spec: "3.1 §3.10",
    hex: hex("a2 05", "00 01", "00 01 61"), // flags 0010, packet id 1, "a"
    packet: { type: 10, packetId: 1, filters: ["a"] },
  },
  {
    name: "MQTT.js v4 two filters",
    version: 4,
    spec: "MQTT-3.10.1-1",
    hex: hex("a2 0c", "ee 1d", "00 03 61 2f 2b", "00 03 62 2f 23"),
    packet: { type: 10, packetId: 0xee1d, filters: ["a/+", "b/#"] },
  },
  {
    name: "mosquitto_sub -V mqttv311 -U",
    version: 4,
    spec: "§3.10.3",
    hex: hex("a2 07", "00 02", "00 03 63 2f 64"),
    packet: { type: 10, packetId: 2, filters: ["c/d"] },
  },
  {
    name: "MQTT.js v5 two filters",
    version: 5,
    spec: "§3.10.2.1",
    hex: hex("a2 0d", "9e 70", "00", "00 03 61 2f 2b", "00 03 62 2f 23"),
    packet: { type: 10, packetId: 0x9e70, filters: ["a/+", "b/#"] },
  },
  {
    name: "mosquitto_sub -V mqttv5 -U",
    version: 5,
    spec: "§3.10.3",
    hex: hex("a2 08", "00 02", "00", "00 03 78 2f 79"),
    packet: { type: 10, packetId: 2, filters: ["x/y"] },
  },
];

export const invalid: InvalidVector[] = [
  {
    name: "3.1 filter overruns the packet",
    version: 3,
    spec: "§1.5.4",
    hex: hex("a2 05 00 01 00 05 61"),
    reasonCode: 0x81,
  },
  {
    name: "no topic filters",
    version: 4,
    spec: "MQTT-3.10.3-2",
    hex: hex("a2 02 00 01"),
    reasonCode: 0x82,
  },
  {
    name: "fixed header flags 0000",
    version: 4,
    spec: "MQTT-3.10.1-1",
    hex: hex("a0 05 00 01 00 01 61"),
    reasonCode: 0x81,
  },
  {
    name: "v5 no topic filters",
    version: 5,
    spec: "MQTT-3.10.3-2",
    hex: hex("a2 03 00 01 00"),
    reasonCode: 0x82,
  },
  {
    name: "v5 subscription identifier in UNSUBSCRIBE",
    version: 5,
    spec: "MQTT-2.2.2-2",
    hex: hex("a2 08 00 01 02 0b 01 00 01 61"),
    reasonCode: 0x81,
  },
];
