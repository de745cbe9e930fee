/**
 * AUTH vectors (v5 only; type 15 is reserved before 5.0), typed from §3.15.
 *
 * @module
 */

import type { InvalidVector, ValidVector } from "./types.ts";
import { hex } from "./types.ts";

export const valid: ValidVector[] = [
  {
    name: "Success short form",
    version: 5,
    spec: "§3.15.2.1",
    hex: "f0 00",
    packet: { type: 15 },
  },
  {
    name: "Continue authentication with method",
    version: 5,
    spec: "§3.15.2.2.2",
    hex: hex("f0 0a", "18", "08", "15 00 05 53 43 52 41 4d"), // "SCRAM"
    packet: {
      type: 15,
      reasonCode: 0x18,
      properties: { authenticationMethod: "SCRAM" },
    },
  },
  {
    name: "Re-authenticate with data",
    version: 5,
    spec: "§3.15.2.2.3",
    hex: hex("f0 0f", "19", "0d", "15 00 05 53 43 52 41 4d", "16 00 02 01 02"),
    packet: {
      type: 15,
      reasonCode: 0x19,
      properties: {
        authenticationMethod: "SCRAM",
        authenticationData: new Uint8Array([1, 2]),
      },
    },
  },
  {
    name: "Success with reason string",
    version: 5,
    spec: "§3.15.2.2.4",
    hex: hex("f0 07", "00", "05 1f 00 02 6f 6b"),
    packet: { type: 15, reasonCode: 0, properties: { reasonString: "ok" } },
  },
];

export const invalid: InvalidVector[] = [
  {
    name: "AUTH in 3.1",
    version: 3,
    spec: "MQTT-2.2.2-2",
    hex: "f0 00",
    reasonCode: 0x81,
  },
  {
    name: "AUTH in 3.1.1",
    version: 4,
    spec: "MQTT-2.2.2-2",
    hex: "f0 00",
    reasonCode: 0x81,
  },
  {
    name: "flags 0001",
    version: 5,
    spec: "MQTT-2.2.2-1",
    hex: "f1 00",
    reasonCode: 0x81,
  },
  {
    name: "reason code 0x01",
    version: 5,
    spec: "§3.15.2.1",
    hex: "f0 01 01",
    reasonCode: 0x82,
  },
  {
    name: "session expiry in AUTH",
    version: 5,
    spec: "MQTT-2.2.2-2",
    hex: "f0 07 18 05 11 00 00 00 01",
    reasonCode: 0x81,
  },
  {
    name: "authentication method twice",
    version: 5,
    spec: "§3.15.2.2.2",
    hex: hex("f0 0a", "18", "08", "15 00 01 61", "15 00 01 62"),
    reasonCode: 0x82,
  },
  {
    name: "authentication data without method",
    version: 5,
    spec: "§3.15.2.2.3",
    hex: hex("f0 07", "18", "05", "16 00 02 01 02"),
    reasonCode: 0x82,
  },
];
