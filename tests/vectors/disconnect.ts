/**
 * DISCONNECT vectors: captures of MQTT.js 5.16 and mosquitto clients
 * 2.0.11 (`captures/`), hand-typed v5 forms.
 *
 * @module
 */

import type { InvalidVector, ValidVector } from "./types.ts";
import { hex } from "./types.ts";

export const valid: ValidVector[] = [
  {
    name: "mosquitto_pub -V mqttv31",
    version: 3,
    spec: "3.1 §3.14",
    hex: "e0 00",
    packet: { type: 14 },
  },
  {
    name: "MQTT.js v4",
    version: 4,
    spec: "§3.14",
    hex: "e0 00",
    packet: { type: 14 },
  },
  {
    name: "mosquitto_pub -V mqttv5 short form",
    version: 5,
    spec: "§3.14.2.1",
    hex: "e0 00",
    packet: { type: 14 },
  },
  {
    name: "MQTT.js v5 explicit Normal disconnection",
    version: 5,
    spec: "§3.14.2.1",
    hex: hex("e0 02", "00", "00"), // reason 0, property length 0
    encodedHex: "e0 00",
    packet: { type: 14, reasonCode: 0 },
  },
  {
    name: "v5 Disconnect with Will Message",
    version: 5,
    spec: "§3.14.2.1",
    hex: hex("e0 01", "04"),
    packet: { type: 14, reasonCode: 0x04 },
  },
  {
    name: "v5 with session expiry",
    version: 5,
    spec: "§3.14.2.2.2",
    hex: hex("e0 07", "00", "05 11 00 00 00 3c"),
    packet: {
      type: 14,
      reasonCode: 0,
      properties: { sessionExpiryInterval: 60 },
    },
  },
  {
    name: "v5 server shutting down",
    version: 5,
    spec: "§3.14.2.1",
    hex: hex("e0 01", "8b"),
    packet: { type: 14, reasonCode: 0x8b },
  },
];

export const invalid: InvalidVector[] = [
  {
    name: "3.1 with a body",
    version: 3,
    spec: "§3.14",
    hex: "e0 02 00 00",
    reasonCode: 0x81,
  },
  {
    name: "3.1.1 with a reason code",
    version: 4,
    spec: "§3.14",
    hex: "e0 01 00",
    reasonCode: 0x81,
  },
  {
    name: "flags 0001",
    version: 4,
    spec: "MQTT-2.2.2-1",
    hex: "e1 00",
    reasonCode: 0x81,
  },
  {
    name: "v5 reason code 0x01",
    version: 5,
    spec: "§3.14.2.1",
    hex: "e0 01 01",
    reasonCode: 0x82,
  },
  {
    name: "v5 receive maximum in DISCONNECT",
    version: 5,
    spec: "MQTT-2.2.2-2",
    hex: "e0 05 00 03 21 00 01",
    reasonCode: 0x81,
  },
];
