/**
 * CONNECT vectors: captures of MQTT.js 5.16 and mosquitto_pub/sub 2.0.11
 * (see `captures/`), spec examples, and hand-made violations.
 *
 * @module
 */

import type { InvalidVector, ValidVector } from "./types.ts";
import { hex, utf8 } from "./types.ts";

const MQTT = "00 04 4d 51 54 54"; // "MQTT"
const MQISDP = "00 06 4d 51 49 73 64 70"; // "MQIsdp"

export const valid: ValidVector[] = [
  {
    name: "mosquitto_pub -V mqttv31 minimal CONNECT",
    version: 3,
    spec: "3.1 §3.1",
    hex: hex(
      "10 12", // CONNECT, remaining length 18
      MQISDP, // protocol name
      "03", // level 3
      "02", // flags: clean session
      "00 3c", // keep alive 60
      "00 04 6d 70 33 31", // client id "mp31"
    ),
    packet: {
      type: 1,
      protocolName: "MQIsdp",
      protocolVersion: 3,
      clean: true,
      keepAlive: 60,
      clientId: "mp31",
    },
  },
  {
    name: "MQTT.js v4 CONNECT with will, user name and password",
    version: 4,
    spec: "MQTT-3.1.2-9",
    hex: hex(
      "10 32", // CONNECT, remaining length 50
      MQTT,
      "04", // level 4
      "ce", // flags: user name, password, will QoS 1, will, clean
      "00 01", // keep alive 1
      "00 09 6d 71 74 74 6a 73 2d 76 34", // client id "mqttjs-v4"
      "00 06 77 69 6c 6c 2f 74", // will topic "will/t"
      "00 04 67 6f 6e 65", // will payload "gone"
      "00 05 61 6c 69 63 65", // user name "alice"
      "00 06 73 65 63 72 65 74", // password "secret"
    ),
    packet: {
      type: 1,
      protocolName: "MQTT",
      protocolVersion: 4,
      clean: true,
      keepAlive: 1,
      clientId: "mqttjs-v4",
      will: { topic: "will/t", payload: utf8("gone"), qos: 1, retain: false },
      username: "alice",
      password: utf8("secret"),
    },
  },
  {
    name: "mosquitto_pub -V mqttv311 CONNECT with retained will",
    version: 4,
    spec: "MQTT-3.1.2-17",
    hex: hex(
      "10 23", // CONNECT, remaining length 35
      MQTT,
      "04", // level 4
      "ee", // flags: user name, password, will retain, will QoS 1, will, clean
      "00 3c", // keep alive 60
      "00 05 6d 70 33 31 31", // client id "mp311"
      "00 01 77", // will topic "w"
      "00 03 62 79 65", // will payload "bye"
      "00 04 75 73 65 72", // user name "user"
      "00 02 70 77", // password "pw"
    ),
    packet: {
      type: 1,
      protocolName: "MQTT",
      protocolVersion: 4,
      clean: true,
      keepAlive: 60,
      clientId: "mp311",
      will: { topic: "w", payload: utf8("bye"), qos: 1, retain: true },
      username: "user",
      password: utf8("pw"),
    },
  },
  {
    name: "empty client id with clean session",
    version: 4,
    spec: "MQTT-3.1.3-6",
    hex: hex(
      "10 0c", // CONNECT, remaining length 12
      MQTT,
      "04", // level 4
      "02", // clean session
      "00 0a", // keep alive 10 (spec example §3.1.2.10)
      "00 00", // client id ""
    ),
    packet: {
      type: 1,
      protocolName: "MQTT",
      protocolVersion: 4,
      clean: true,
      keepAlive: 10,
      clientId: "",
    },
  },
  {
    name: "MQTT.js v5 CONNECT with properties and will",
    version: 5,
    spec: "§3.1.2.11",
    hex: hex(
      "10 3c", // CONNECT, remaining length 60
      MQTT,
      "05", // level 5
      "ce", // flags: user name, password, will QoS 1, will, clean start
      "00 01", // keep alive 1
      "08", // property length 8
      "11 00 00 01 2c", // session expiry interval 300
      "21 00 0a", // receive maximum 10
      "00 09 6d 71 74 74 6a 73 2d 76 35", // client id "mqttjs-v5"
      "00", // will property length 0
      "00 06 77 69 6c 6c 2f 74", // will topic "will/t"
      "00 04 67 6f 6e 65", // will payload "gone"
      "00 05 61 6c 69 63 65", // user name "alice"
      "00 06 73 65 63 72 65 74", // password "secret"
    ),
    packet: {
      type: 1,
      protocolName: "MQTT",
      protocolVersion: 5,
      clean: true,
      keepAlive: 1,
      clientId: "mqttjs-v5",
      properties: { sessionExpiryInterval: 300, receiveMaximum: 10 },
      will: { topic: "will/t", payload: utf8("gone"), qos: 1, retain: false },
      username: "alice",
      password: utf8("secret"),
    },
  },
  {
    name: "mosquitto_pub -V mqttv5 CONNECT with session expiry",
    version: 5,
    spec: "§3.1.2.11.2",
    hex: hex(
      "10 18", // CONNECT, remaining length 24
      MQTT,
      "05", // level 5
      "02", // clean start
      "00 3c", // keep alive 60
      "08", // property length 8
      "11 00 00 00 3c", // session expiry interval 60
      "21 00 14", // receive maximum 20
      "00 03 6d 70 35", // client id "mp5"
    ),
    packet: {
      type: 1,
      protocolName: "MQTT",
      protocolVersion: 5,
      clean: true,
      keepAlive: 60,
      clientId: "mp5",
      properties: { sessionExpiryInterval: 60, receiveMaximum: 20 },
    },
  },
  {
    name: "v5 password without user name is allowed",
    version: 5,
    spec: "§3.1.2.9",
    hex: hex(
      "10 11", // CONNECT, remaining length 17
      MQTT,
      "05", // level 5
      "42", // password, clean start
      "00 3c", // keep alive 60
      "00", // property length 0
      "00 00", // client id ""
      "00 02 70 77", // password "pw"
    ),
    packet: {
      type: 1,
      protocolName: "MQTT",
      protocolVersion: 5,
      clean: true,
      keepAlive: 60,
      clientId: "",
      password: utf8("pw"),
    },
  },
  {
    name: "mqtt-packet 9.0.2 (MQTT.js's encoder) CONNECT with every property",
    version: 5,
    spec: "§3.1.2.11, §3.1.3.2",
    hex: hex(
      "10 7b", // CONNECT, remaining length 123
      MQTT,
      "05", // level 5
      "f6", // user name, password, will retain, will QoS 2, will, clean start
      "00 1e", // keep alive 30
      "31", // property length 49
      "11 00 00 00 0a", // session expiry interval 10
      "21 00 05", // receive maximum 5
      "27 00 00 03 e8", // maximum packet size 1000
      "22 00 04", // topic alias maximum 4
      "19 01", // request response information 1
      "17 00", // request problem information 0
      "26 00 01 61 00 01 31", // user property a=1
      "26 00 01 62 00 01 32", // user property b=2
      "26 00 01 62 00 01 33", // user property b=3
      "15 00 01 6d", // authentication method "m"
      "16 00 01 01", // authentication data [1]
      "00 01 63", // client id "c"
      "2f", // will property length 47
      "18 00 00 00 03", // will delay interval 3
      "01 01", // payload format indicator 1
      "02 00 00 00 09", // message expiry interval 9
      "03 00 02 63 74", // content type "ct"
      "08 00 02 72 74", // response topic "rt"
      "09 00 01 07", // correlation data [7]
      "26 00 01 61 00 01 31",
      "26 00 01 62 00 01 32",
      "26 00 01 62 00 01 33",
      "00 01 77", // will topic "w"
      "00 01 78", // will payload "x"
      "00 01 75", // user name "u"
      "00 01 70", // password "p"
    ),
    packet: {
      type: 1,
      protocolName: "MQTT",
      protocolVersion: 5,
      clean: true,
      keepAlive: 30,
      clientId: "c",
      properties: {
        sessionExpiryInterval: 10,
        receiveMaximum: 5,
        maximumPacketSize: 1000,
        topicAliasMaximum: 4,
        requestResponseInformation: 1,
        requestProblemInformation: 0,
        userProperties: [["a", "1"], ["b", "2"], ["b", "3"]],
        authenticationMethod: "m",
        authenticationData: new Uint8Array([1]),
      },
      will: {
        topic: "w",
        payload: utf8("x"),
        qos: 2,
        retain: true,
        properties: {
          willDelayInterval: 3,
          payloadFormatIndicator: 1,
          messageExpiryInterval: 9,
          contentType: "ct",
          responseTopic: "rt",
          correlationData: new Uint8Array([7]),
          userProperties: [["a", "1"], ["b", "2"], ["b", "3"]],
        },
      },
      username: "u",
      password: utf8("p"),
    },
  },
];

export const invalid: InvalidVector[] = [
  {
    name: "3.1 CONNECT with reserved flag set",
    version: 3,
    spec: "MQTT-3.1.2-3",
    hex: hex("10 12", MQISDP, "03", "03", "00 3c", "00 04 6d 70 33 31"),
    reasonCode: 0x81,
  },
  {
    name: "MQIsdp with level 4",
    version: 3,
    spec: "MQTT-3.1.2-2",
    hex: hex("10 12", MQISDP, "04", "02", "00 3c", "00 04 6d 70 33 31"),
    reasonCode: 0x84,
  },
  {
    name: "3.1 CONNECT with a trailing byte",
    version: 3,
    spec: "§3.1",
    hex: hex("10 13", MQISDP, "03", "02", "00 3c", "00 04 6d 70 33 31", "00"),
    reasonCode: 0x81,
  },
  {
    name: "reserved connect flag set",
    version: 4,
    spec: "MQTT-3.1.2-3",
    hex: hex("10 0c", MQTT, "04", "03", "00 3c", "00 00"),
    reasonCode: 0x81,
  },
  {
    name: "will QoS without will flag",
    version: 4,
    spec: "MQTT-3.1.2-13",
    hex: hex("10 0c", MQTT, "04", "0a", "00 3c", "00 00"),
    reasonCode: 0x81,
  },
  {
    name: "will retain without will flag",
    version: 4,
    spec: "MQTT-3.1.2-15",
    hex: hex("10 0c", MQTT, "04", "22", "00 3c", "00 00"),
    reasonCode: 0x81,
  },
  {
    name: "will QoS 3",
    version: 4,
    spec: "MQTT-3.1.2-14",
    hex: hex(
      "10 12",
      MQTT,
      "04",
      "1e",
      "00 3c",
      "00 00",
      "00 01 77",
      "00 01 78",
    ),
    reasonCode: 0x81,
  },
  {
    name: "password without user name in 3.1.1",
    version: 4,
    spec: "MQTT-3.1.2-22",
    hex: hex("10 10", MQTT, "04", "42", "00 3c", "00 00", "00 02 70 77"),
    reasonCode: 0x81,
  },
  {
    name: "unknown protocol level 6",
    version: 4,
    spec: "MQTT-3.1.2-2",
    hex: hex("10 0c", MQTT, "06", "02", "00 3c", "00 00"),
    reasonCode: 0x84,
  },
  {
    name: "reserved fixed header flags",
    version: 4,
    spec: "MQTT-2.2.2-1",
    hex: hex("11 0c", MQTT, "04", "02", "00 3c", "00 00"),
    reasonCode: 0x81,
  },
  {
    name: "client id containing U+0000",
    version: 4,
    spec: "MQTT-1.5.4-2",
    hex: hex("10 0d", MQTT, "04", "02", "00 3c", "00 01 00"),
    reasonCode: 0x81,
  },
  {
    name: "client id encoding a surrogate (ED A0 80)",
    version: 4,
    spec: "MQTT-1.5.4-1",
    hex: hex("10 0f", MQTT, "04", "02", "00 3c", "00 03 ed a0 80"),
    reasonCode: 0x81,
  },
  {
    name: "client id overruns the packet",
    version: 4,
    spec: "§1.5.4",
    hex: hex("10 0c", MQTT, "04", "02", "00 3c", "00 05"),
    reasonCode: 0x81,
  },
  {
    name: "duplicate session expiry property",
    version: 5,
    spec: "§3.1.2.11.2",
    hex: hex(
      "10 17",
      MQTT,
      "05",
      "02",
      "00 3c",
      "0a 11 00 00 00 3c 11 00 00 00 3c", // session expiry twice
      "00 00",
    ),
    reasonCode: 0x82,
  },
  {
    name: "Topic Alias property in CONNECT",
    version: 5,
    spec: "MQTT-2.2.2-2",
    hex: hex("10 10", MQTT, "05", "02", "00 3c", "03 23 00 01", "00 00"),
    reasonCode: 0x81,
  },
  {
    name: "receive maximum 0",
    version: 5,
    spec: "§3.1.2.11.3",
    hex: hex("10 10", MQTT, "05", "02", "00 3c", "03 21 00 00", "00 00"),
    reasonCode: 0x82,
  },
  {
    name: "unknown property identifier 0x7f",
    version: 5,
    spec: "§2.2.2.2",
    hex: hex("10 0f", MQTT, "05", "02", "00 3c", "02 7f 00", "00 00"),
    reasonCode: 0x81,
  },
  {
    name: "will payload format indicator 2",
    version: 5,
    spec: "§3.1.3.2.3",
    hex: hex(
      "10 15",
      MQTT,
      "05",
      "06", // will, clean start
      "00 3c",
      "00", // no properties
      "00 00", // client id ""
      "02 01 02", // will properties: payload format indicator 2
      "00 01 77", // will topic "w"
      "00 00", // empty will payload
    ),
    reasonCode: 0x82,
  },
  {
    name: "authentication data without method",
    version: 5,
    spec: "§3.1.2.11.10",
    hex: hex("10 12", MQTT, "05", "02", "00 3c", "05 16 00 02 01 02", "00 00"),
    reasonCode: 0x82,
  },
];
