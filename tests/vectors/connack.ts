/**
 * CONNACK vectors: replies of the mosquitto 2.0.11 broker (`captures/`) and
 * hand-typed return codes.
 *
 * @module
 */

import type { InvalidVector, ValidVector } from "./types.ts";
import { hex } from "./types.ts";

export const valid: ValidVector[] = [
  {
    name: "mosquitto broker accepts a 3.1 client",
    version: 3,
    spec: "3.1 §3.2",
    hex: hex("20 02", "00", "00"),
    packet: { type: 2, sessionPresent: false, reasonCode: 0 },
  },
  {
    name: "3.1 identifier rejected",
    version: 3,
    spec: "3.1 §3.2",
    hex: hex("20 02", "00", "02"), // return code 2 ↔ 0x85
    packet: { type: 2, sessionPresent: false, reasonCode: 0x85 },
  },
  {
    name: "mosquitto broker accepts a 3.1.1 client",
    version: 4,
    spec: "MQTT-3.2.2-4",
    hex: hex("20 02", "00", "00"),
    packet: { type: 2, sessionPresent: false, reasonCode: 0 },
  },
  {
    name: "session present",
    version: 4,
    spec: "MQTT-3.2.2-2",
    hex: hex("20 02", "01", "00"),
    packet: { type: 2, sessionPresent: true, reasonCode: 0 },
  },
  {
    name: "not authorized",
    version: 4,
    spec: "§3.2.2.3",
    hex: hex("20 02", "00", "05"), // return code 5 ↔ 0x87
    packet: { type: 2, sessionPresent: false, reasonCode: 0x87 },
  },
  {
    name: "unacceptable protocol version",
    version: 4,
    spec: "MQTT-3.1.2-2",
    hex: hex("20 02", "00", "01"), // return code 1 ↔ 0x84
    packet: { type: 2, sessionPresent: false, reasonCode: 0x84 },
  },
  {
    name: "mosquitto broker v5 with limits",
    version: 5,
    spec: "§3.2.2.3",
    hex: hex(
      "20 09", // CONNACK, remaining length 9
      "00", // no session present
      "00", // Success
      "06", // property length 6
      "22 00 0a", // topic alias maximum 10
      "21 00 14", // receive maximum 20
    ),
    packet: {
      type: 2,
      sessionPresent: false,
      reasonCode: 0,
      properties: { topicAliasMaximum: 10, receiveMaximum: 20 },
    },
  },
  {
    name: "v5 unsupported protocol version",
    version: 5,
    spec: "§3.2.2.2",
    hex: hex("20 03", "00", "84", "00"),
    packet: { type: 2, sessionPresent: false, reasonCode: 0x84 },
  },
  {
    name: "v5 assigned client identifier",
    version: 5,
    spec: "§3.2.2.3.7",
    hex: hex("20 0b", "01", "00", "08", "12 00 05 61 62 63 64 65"),
    packet: {
      type: 2,
      sessionPresent: true,
      reasonCode: 0,
      properties: { assignedClientIdentifier: "abcde" },
    },
  },
  {
    name: "mqtt-packet 9.0.2 CONNACK with every property",
    version: 5,
    spec: "§3.2.2.3",
    hex: hex(
      "20 50", // CONNACK, remaining length 80
      "01", // session present
      "00", // Success
      "4d", // property length 77
      "11 00 00 00 01", // session expiry interval 1
      "21 00 02", // receive maximum 2
      "24 01", // maximum QoS 1
      "25 01", // retain available
      "27 00 00 00 64", // maximum packet size 100
      "12 00 02 69 64", // assigned client identifier "id"
      "22 00 03", // topic alias maximum 3
      "1f 00 01 72", // reason string "r"
      "26 00 01 61 00 01 31", // user property a=1
      "26 00 01 62 00 01 32", // user property b=2
      "26 00 01 62 00 01 33", // user property b=3
      "28 00", // wildcard subscriptions not available
      "29 01", // subscription identifiers available
      "2a 01", // shared subscriptions available
      "13 00 07", // server keep alive 7
      "1a 00 02 72 69", // response information "ri"
      "1c 00 02 73 72", // server reference "sr"
      "15 00 01 6d", // authentication method "m"
      "16 00 01 02", // authentication data [2]
    ),
    packet: {
      type: 2,
      sessionPresent: true,
      reasonCode: 0,
      properties: {
        sessionExpiryInterval: 1,
        receiveMaximum: 2,
        maximumQoS: 1,
        retainAvailable: 1,
        maximumPacketSize: 100,
        assignedClientIdentifier: "id",
        topicAliasMaximum: 3,
        reasonString: "r",
        userProperties: [["a", "1"], ["b", "2"], ["b", "3"]],
        wildcardSubscriptionAvailable: 0,
        subscriptionIdentifiersAvailable: 1,
        sharedSubscriptionAvailable: 1,
        serverKeepAlive: 7,
        responseInformation: "ri",
        serverReference: "sr",
        authenticationMethod: "m",
        authenticationData: new Uint8Array([2]),
      },
    },
  },
];

export const invalid: InvalidVector[] = [
  {
    name: "3.1 flags 0001",
    version: 3,
    spec: "MQTT-2.2.2-1",
    hex: "21 02 00 00",
    reasonCode: 0x81,
  },
  {
    name: "reserved acknowledge flags",
    version: 4,
    spec: "§3.2.2.1",
    hex: "20 02 02 00",
    reasonCode: 0x81,
  },
  {
    name: "session present with a failure code",
    version: 4,
    spec: "MQTT-3.2.2-4",
    hex: "20 02 01 05",
    reasonCode: 0x81,
  },
  {
    name: "unknown return code 6",
    version: 4,
    spec: "§3.2.2.3",
    hex: "20 02 00 06",
    reasonCode: 0x81,
  },
  {
    name: "3.1.1 CONNACK of 3 bytes",
    version: 4,
    spec: "§3.2",
    hex: "20 03 00 00 00",
    reasonCode: 0x81,
  },
  {
    name: "v5 reason code 0x10",
    version: 5,
    spec: "§3.2.2.2",
    hex: "20 03 00 10 00",
    reasonCode: 0x82,
  },
  {
    name: "v5 topic alias in CONNACK",
    version: 5,
    spec: "MQTT-2.2.2-2",
    hex: "20 06 00 00 03 23 00 01",
    reasonCode: 0x81,
  },
  {
    name: "v5 maximum QoS 2",
    version: 5,
    spec: "§3.2.2.3.4",
    hex: "20 05 00 00 02 24 02",
    reasonCode: 0x82,
  },
];
