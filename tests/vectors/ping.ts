/**
 * PINGREQ and PINGRESP vectors (MQTT.js 5.16 and mosquitto 2.0.11 captures).
 *
 * @module
 */

import type { InvalidVector, ValidVector } from "./types.ts";

export const valid: ValidVector[] = [3, 4, 5].flatMap((version) => [
  {
    name: "PINGREQ (MQTT.js keep-alive)",
    version: version as 3 | 4 | 5,
    spec: "§3.12",
    hex: "c0 00",
    packet: { type: 12 as const },
  },
  {
    name: "PINGRESP (mosquitto broker)",
    version: version as 3 | 4 | 5,
    spec: "§3.13",
    hex: "d0 00",
    packet: { type: 13 as const },
  },
]);

export const invalid: InvalidVector[] = [3, 4, 5].flatMap((version) => [
  {
    name: "PINGREQ with a body",
    version: version as 3 | 4 | 5,
    spec: "§3.12.1",
    hex: "c0 01 00",
    reasonCode: 0x81,
  },
  {
    name: "PINGREQ with flags 0001",
    version: version as 3 | 4 | 5,
    spec: "MQTT-2.2.2-1",
    hex: "c1 00",
    reasonCode: 0x81,
  },
  {
    name: "PINGRESP with a body",
    version: version as 3 | 4 | 5,
    spec: "§3.13.1",
    hex: "d0 01 00",
    reasonCode: 0x81,
  },
]);
