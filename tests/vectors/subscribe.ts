/**
 * SUBSCRIBE vectors: captures of MQTT.js 5.16 and mosquitto_sub 2.0.11
 * (`captures/`), hand-made violations.
 *
 * @module
 */

import type { InvalidVector, ValidVector } from "./types.ts";
import { hex } from "./types.ts";

const v5opts = {
  noLocal: false,
  retainAsPublished: false,
  retainHandling: 0 as const,
};

export const valid: ValidVector[] = [
  {
    name: "mosquitto_sub -V mqttv31",
    version: 3,
    spec: "3.1 §3.8",
    hex: hex(
      "82 08", // SUBSCRIBE (flags 0010), remaining length 8
      "00 01", // packet id 1
      "00 03 61 2f 23", // filter "a/#"
      "01", // QoS 1
    ),
    packet: {
      type: 8,
      packetId: 1,
      subscriptions: [{ filter: "a/#", qos: 1 }],
    },
  },
  {
    name: "MQTT.js v4 two filters",
    version: 4,
    spec: "MQTT-3.8.1-1",
    hex: hex("82 0e", "ee 1a", "00 03 61 2f 2b", "01", "00 03 62 2f 23", "02"),
    packet: {
      type: 8,
      packetId: 0xee1a,
      subscriptions: [{ filter: "a/+", qos: 1 }, { filter: "b/#", qos: 2 }],
    },
  },
  {
    name: "mosquitto_sub -V mqttv311 two filters",
    version: 4,
    spec: "§3.8.3",
    hex: hex("82 0e", "00 01", "00 03 61 2f 23", "02", "00 03 62 2f 2b", "02"),
    packet: {
      type: 8,
      packetId: 1,
      subscriptions: [{ filter: "a/#", qos: 2 }, { filter: "b/+", qos: 2 }],
    },
  },
  {
    name: "MQTT.js v5 with subscription identifier",
    version: 5,
    spec: "§3.8.2.1.2",
    hex: hex(
      "82 11",
      "9e 6d", // packet id
      "02 0b 07", // properties: subscription identifier 7
      "00 03 61 2f 2b 01", // "a/+" QoS 1
      "00 03 62 2f 23 02", // "b/#" QoS 2
    ),
    packet: {
      type: 8,
      packetId: 0x9e6d,
      properties: { subscriptionIdentifiers: [7] },
      subscriptions: [
        { filter: "a/+", qos: 1, ...v5opts },
        { filter: "b/#", qos: 2, ...v5opts },
      ],
    },
  },
  {
    name: "mosquitto_sub -V mqttv5 with subscription identifier",
    version: 5,
    spec: "§3.8.2.1.2",
    hex: hex("82 0b", "00 01", "02 0b 05", "00 03 61 2f 23", "01"),
    packet: {
      type: 8,
      packetId: 1,
      properties: { subscriptionIdentifiers: [5] },
      subscriptions: [{ filter: "a/#", qos: 1, ...v5opts }],
    },
  },
  {
    name: "v5 all subscription options set",
    version: 5,
    spec: "§3.8.3.1",
    hex: hex("82 07", "00 02", "00", "00 01 61", "2d"), // QoS 1, NL, RAP, RH 2
    packet: {
      type: 8,
      packetId: 2,
      subscriptions: [{
        filter: "a",
        qos: 1,
        noLocal: true,
        retainAsPublished: true,
        retainHandling: 2,
      }],
    },
  },
  {
    name: "3.1 SUBSCRIBE retry with DUP set",
    version: 3,
    spec: "3.1 §2.1",
    hex: hex("8a 08", "00 01", "00 03 61 2f 23", "01"), // DUP + QoS 1 flags
    encodedHex: hex("82 08", "00 01", "00 03 61 2f 23", "01"),
    packet: {
      type: 8,
      packetId: 1,
      subscriptions: [{ filter: "a/#", qos: 1 }],
    },
  },
];

export const invalid: InvalidVector[] = [
  {
    name: "3.1 no topic filters",
    version: 3,
    spec: "MQTT-3.8.3-3",
    hex: hex("82 02 00 01"),
    reasonCode: 0x82,
  },
  {
    name: "3.1 packet id 0",
    version: 3,
    spec: "MQTT-2.3.1-1",
    hex: hex("82 06 00 00 00 01 61 00"),
    reasonCode: 0x81,
  },
  {
    name: "no topic filters",
    version: 4,
    spec: "MQTT-3.8.3-3",
    hex: hex("82 02 00 01"),
    reasonCode: 0x82,
  },
  {
    name: "reserved option bits set",
    version: 4,
    spec: "MQTT-3.8.3-4",
    hex: hex("82 06 00 01 00 01 61 05"),
    reasonCode: 0x81,
  },
  {
    name: "requested QoS 3",
    version: 4,
    spec: "MQTT-3.8.3-4",
    hex: hex("82 06 00 01 00 01 61 03"),
    reasonCode: 0x81,
  },
  {
    name: "3.1.1 SUBSCRIBE with DUP set",
    version: 4,
    spec: "MQTT-3.8.1-1",
    hex: hex("8a 06 00 01 00 01 61 01"),
    reasonCode: 0x81,
  },
  {
    name: "fixed header flags 0000",
    version: 4,
    spec: "MQTT-3.8.1-1",
    hex: hex("80 06 00 01 00 01 61 01"),
    reasonCode: 0x81,
  },
  {
    name: "filter without options byte",
    version: 4,
    spec: "§3.8.3",
    hex: hex("82 05 00 01 00 01 61"),
    reasonCode: 0x81,
  },
  {
    name: "v5 reserved option bits set",
    version: 5,
    spec: "MQTT-3.8.3-5",
    hex: hex("82 07 00 01 00 00 01 61 41"),
    reasonCode: 0x81,
  },
  {
    name: "v5 retain handling 3",
    version: 5,
    spec: "§3.8.3.1",
    hex: hex("82 07 00 01 00 00 01 61 31"),
    reasonCode: 0x82,
  },
  {
    name: "v5 maximum QoS 3",
    version: 5,
    spec: "§3.8.3.1",
    hex: hex("82 07 00 01 00 00 01 61 03"),
    reasonCode: 0x82,
  },
  {
    name: "v5 two subscription identifiers",
    version: 5,
    spec: "§3.8.2.1.2",
    hex: hex("82 0b 00 01 04 0b 01 0b 02 00 01 61 01"),
    reasonCode: 0x82,
  },
  {
    name: "v5 subscription identifier 0",
    version: 5,
    spec: "§3.8.2.1.2",
    hex: hex("82 09 00 01 02 0b 00 00 01 61 01"),
    reasonCode: 0x82,
  },
  {
    name: "v5 no topic filters",
    version: 5,
    spec: "MQTT-3.8.3-3",
    hex: hex("82 03 00 01 00"),
    reasonCode: 0x82,
  },
];
