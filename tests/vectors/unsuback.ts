/**
 * UNSUBACK vectors: replies of the mosquitto 2.0.11 broker (`captures/`) and
 * hand-typed ones.
 *
 * @module
 */

import type { InvalidVector, ValidVector } from "./types.ts";
import { hex } from "./types.ts";

export const valid: ValidVector[] = [
  {
    name: "3.1 UNSUBACK",
    version: 3,
    spec: "3.1 §3.11",
    hex: hex("b0 02", "00 01"),
    packet: { type: 11, packetId: 1 },
  },
  {
    name: "mosquitto broker UNSUBACK",
    version: 4,
    spec: "MQTT-3.10.4-4",
    hex: hex("b0 02", "a7 fe"),
    packet: { type: 11, packetId: 0xa7fe },
  },
  {
    name: "mosquitto broker v5 UNSUBACK two successes",
    version: 5,
    spec: "§3.11.3",
    hex: hex("b0 05", "16 49", "00", "00 00"),
    packet: { type: 11, packetId: 0x1649, reasonCodes: [0, 0] },
  },
  {
    name: "v5 UNSUBACK No subscription existed",
    version: 5,
    spec: "§3.11.3",
    hex: hex("b0 04", "00 02", "00", "11"),
    packet: { type: 11, packetId: 2, reasonCodes: [0x11] },
  },
];

export const invalid: InvalidVector[] = [
  {
    name: "3.1 packet id 0",
    version: 3,
    spec: "MQTT-2.3.1-1",
    hex: hex("b0 02 00 00"),
    reasonCode: 0x81,
  },
  {
    name: "3.1.1 UNSUBACK with a reason code",
    version: 4,
    spec: "§3.11",
    hex: hex("b0 03 00 01 00"),
    reasonCode: 0x81,
  },
  {
    name: "fixed header flags 0010",
    version: 4,
    spec: "MQTT-2.2.2-1",
    hex: hex("b2 02 00 01"),
    reasonCode: 0x81,
  },
  {
    name: "v5 reason code 0x10",
    version: 5,
    spec: "§3.11.3",
    hex: hex("b0 04 00 01 00 10"),
    reasonCode: 0x82,
  },
  {
    name: "v5 no reason codes",
    version: 5,
    spec: "§3.11.3",
    hex: hex("b0 03 00 01 00"),
    reasonCode: 0x81,
  },
];
