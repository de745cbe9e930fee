/**
 * PUBLISH vectors: captures of MQTT.js 5.16, mosquitto_pub 2.0.11 and the
 * mosquitto 2.0.11 broker (`captures/`), spec-derived and hand-made cases.
 *
 * @module
 */

import type { InvalidVector, ValidVector } from "./types.ts";
import { hex, utf8 } from "./types.ts";

const A_B = "00 03 61 2f 62"; // topic "a/b"
const HELLO = "68 65 6c 6c 6f"; // payload "hello"
const base = { type: 3 as const, dup: false, retain: false };

export const valid: ValidVector[] = [
  {
    name: "mosquitto_pub -V mqttv31 QoS 1",
    version: 3,
    spec: "3.1 §3.3",
    hex: hex(
      "32 0a", // PUBLISH QoS 1, remaining length 10
      "00 04 74 2f 33 31", // topic "t/31"
      "00 01", // packet id 1
      "68 69", // payload "hi"
    ),
    packet: {
      ...base,
      topic: "t/31",
      payload: utf8("hi"),
      qos: 1,
      packetId: 1,
    },
  },
  {
    name: "MQTT.js v4 QoS 0",
    version: 4,
    spec: "MQTT-2.3.1-5",
    hex: hex("30 0a", A_B, HELLO), // no packet id at QoS 0
    packet: { ...base, topic: "a/b", payload: utf8("hello"), qos: 0 },
  },
  {
    name: "MQTT.js v4 QoS 1 retained",
    version: 4,
    spec: "§3.3.1.3",
    hex: hex("33 0c", A_B, "ee 1b", HELLO), // QoS 1 + RETAIN, packet id 0xee1b
    packet: {
      ...base,
      retain: true,
      topic: "a/b",
      payload: utf8("hello"),
      qos: 1,
      packetId: 0xee1b,
    },
  },
  {
    name: "mosquitto_pub -V mqttv311 QoS 2 retained",
    version: 4,
    spec: "§3.3.1.2",
    hex: hex("35 0c", A_B, "00 01", HELLO),
    packet: {
      ...base,
      retain: true,
      topic: "a/b",
      payload: utf8("hello"),
      qos: 2,
      packetId: 1,
    },
  },
  {
    name: "DUP QoS 1 redelivery",
    version: 4,
    spec: "§3.3.1.1",
    hex: hex("3a 0c", A_B, "00 0a", HELLO), // DUP + QoS 1, packet id 10
    packet: {
      ...base,
      dup: true,
      topic: "a/b",
      payload: utf8("hello"),
      qos: 1,
      packetId: 10,
    },
  },
  {
    name: "non-ASCII topic and empty payload",
    version: 4,
    spec: "§1.5.4",
    hex: hex("30 06", "00 04 61 2f c3 a9"), // topic "a/é"
    packet: { ...base, topic: "a/é", payload: new Uint8Array(0), qos: 0 },
  },
  {
    name: "MQTT.js v5 QoS 0",
    version: 5,
    spec: "§3.3.2.3",
    hex: hex("30 0b", A_B, "00", HELLO), // property length 0
    packet: { ...base, topic: "a/b", payload: utf8("hello"), qos: 0 },
  },
  {
    name: "MQTT.js v5 QoS 2 with content type and user property",
    version: 5,
    spec: "§3.3.2.3.9",
    hex: hex(
      "34 21", // PUBLISH QoS 2, remaining length 33
      A_B,
      "9e 6f", // packet id
      "14", // property length 20
      "03 00 0a 74 65 78 74 2f 70 6c 61 69 6e", // content type "text/plain"
      "26 00 01 6b 00 01 76", // user property k=v
      HELLO,
    ),
    packet: {
      ...base,
      topic: "a/b",
      payload: utf8("hello"),
      qos: 2,
      packetId: 0x9e6f,
      properties: { contentType: "text/plain", userProperties: [["k", "v"]] },
    },
  },
  {
    name: "mosquitto_pub -V mqttv5 QoS 1 with properties, user property first",
    version: 5,
    spec: "§3.3.2.3",
    hex: hex(
      "32 26", // PUBLISH QoS 1, remaining length 38
      A_B,
      "00 01", // packet id 1
      "19", // property length 25
      "26 00 01 6b 00 01 76", // user property k=v
      "02 00 00 00 1e", // message expiry 30
      "03 00 0a 74 65 78 74 2f 70 6c 61 69 6e", // content type
      HELLO,
    ),
    packet: {
      ...base,
      topic: "a/b",
      payload: utf8("hello"),
      qos: 1,
      packetId: 1,
      properties: {
        userProperties: [["k", "v"]],
        messageExpiryInterval: 30,
        contentType: "text/plain",
      },
    },
  },
  {
    name: "mosquitto broker v5 forward with subscription identifier",
    version: 5,
    spec: "§3.3.2.3.8",
    hex: hex("33 0f", A_B, "00 01", "02 0b 07", HELLO), // retained, sub id 7
    packet: {
      ...base,
      retain: true,
      topic: "a/b",
      payload: utf8("hello"),
      qos: 1,
      packetId: 1,
      properties: { subscriptionIdentifiers: [7] },
    },
  },
  {
    name: "several subscription identifiers",
    version: 5,
    spec: "§3.3.2.3.8",
    hex: hex("30 09", "00 01 74", "04 0b 01 0b 02", "78"),
    packet: {
      ...base,
      topic: "t",
      payload: utf8("x"),
      qos: 0,
      properties: { subscriptionIdentifiers: [1, 2] },
    },
  },
  {
    name: "empty topic with Topic Alias",
    version: 5,
    spec: "§3.3.2.3.4",
    hex: hex("30 07", "00 00", "03 23 00 05", "78"),
    packet: {
      ...base,
      topic: "",
      payload: utf8("x"),
      qos: 0,
      properties: { topicAlias: 5 },
    },
  },
  {
    name: "mqtt-packet 9.0.2 (MQTT.js's encoder) PUBLISH with every property",
    version: 5,
    spec: "§3.3.2.3",
    hex: hex(
      "32 38", // PUBLISH QoS 1, remaining length 56
      "00 01 74", // topic "t"
      "00 09", // packet id 9
      "30", // property length 48
      "01 01", // payload format indicator 1
      "02 00 00 00 05", // message expiry interval 5
      "23 00 02", // topic alias 2
      "08 00 01 72", // response topic "r"
      "09 00 01 03", // correlation data [3]
      "26 00 01 61 00 01 31", // user property a=1
      "26 00 01 62 00 01 32", // user property b=2
      "26 00 01 62 00 01 33", // user property b=3
      "0b 04", // subscription identifier 4
      "0b ac 02", // subscription identifier 300 (two-byte varint)
      "03 00 01 63", // content type "c"
      "68 69", // payload "hi"
    ),
    packet: {
      ...base,
      topic: "t",
      payload: utf8("hi"),
      qos: 1,
      packetId: 9,
      properties: {
        payloadFormatIndicator: 1,
        messageExpiryInterval: 5,
        topicAlias: 2,
        responseTopic: "r",
        correlationData: new Uint8Array([3]),
        userProperties: [["a", "1"], ["b", "2"], ["b", "3"]],
        subscriptionIdentifiers: [4, 300],
        contentType: "c",
      },
    },
  },
];

export const invalid: InvalidVector[] = [
  {
    name: "3.1 QoS 3",
    version: 3,
    spec: "MQTT-3.3.1-4",
    hex: hex("36 0a 00 04 74 2f 33 31 00 01 68 69"),
    reasonCode: 0x81,
  },
  {
    name: "3.1 packet id 0",
    version: 3,
    spec: "MQTT-2.3.1-1",
    hex: hex("32 0a 00 04 74 2f 33 31 00 00 68 69"),
    reasonCode: 0x81,
  },
  {
    name: "QoS 3",
    version: 4,
    spec: "MQTT-3.3.1-4",
    hex: hex("36 0c", A_B, "00 01", HELLO),
    reasonCode: 0x81,
  },
  {
    name: "DUP on QoS 0",
    version: 4,
    spec: "MQTT-3.3.1-2",
    hex: hex("38 0a", A_B, HELLO),
    reasonCode: 0x81,
  },
  {
    name: "packet id 0 at QoS 1",
    version: 4,
    spec: "MQTT-2.3.1-1",
    hex: hex("32 0c", A_B, "00 00", HELLO),
    reasonCode: 0x81,
  },
  {
    name: "topic containing U+0000",
    version: 4,
    spec: "MQTT-1.5.4-2",
    hex: hex("30 06 00 03 61 00 62 78"),
    reasonCode: 0x81,
  },
  {
    name: "topic overruns the packet",
    version: 4,
    spec: "§1.5.4",
    hex: hex("30 03 00 05 61"),
    reasonCode: 0x81,
  },
  {
    name: "remaining length longer than 4 bytes",
    version: 4,
    spec: "§1.5.5",
    hex: hex("30 ff ff ff ff 01"),
    reasonCode: 0x81,
  },
  {
    name: "Topic Alias 0 (answered with Topic Alias invalid)",
    version: 5,
    spec: "MQTT-3.3.2-8",
    hex: hex("30 0a", A_B, "03 23 00 00", "78"),
    reasonCode: 0x94,
  },
  {
    name: "empty topic without Topic Alias",
    version: 5,
    spec: "§3.3.2.1",
    hex: hex("30 04 00 00 00 78"),
    reasonCode: 0x82,
  },
  {
    name: "duplicate payload format indicator",
    version: 5,
    spec: "§3.3.2.3.2",
    hex: hex("30 09", "00 01 74", "04 01 01 01 01", "78"),
    reasonCode: 0x82,
  },
  {
    name: "session expiry interval in PUBLISH",
    version: 5,
    spec: "MQTT-2.2.2-2",
    hex: hex("30 0a", "00 01 74", "05 11 00 00 00 01", "78"),
    reasonCode: 0x81,
  },
  {
    name: "payload format indicator 2",
    version: 5,
    spec: "§3.3.2.3.2",
    hex: hex("30 07", "00 01 74", "02 01 02", "78"),
    reasonCode: 0x82,
  },
  {
    name: "property length overruns the packet",
    version: 5,
    spec: "§2.2.2.1",
    hex: hex("30 05", "00 01 74", "09", "78"),
    reasonCode: 0x81,
  },
];
