import { test } from "node:test";
import assert from "node:assert/strict";
import { headers } from "@nats-io/transport-node";
import {
  appendPropertyHeaders,
  fromBase64,
  isUserHeader,
  msgHdrsLines,
  propertiesFromHeaders,
  toBase64,
} from "./_property_headers.ts";
import { messageFrom, messageHeaders } from "./_codec.ts";

test("isUserHeader() accepts header tokens outside Nats-, Nmqtt-, Jetmq-", () => {
  const table: [string, boolean][] = [
    ["Trace-Id", true],
    ["k", true],
    ["x.y/z", true],
    ["", false],
    ["a b", false],
    ["a:b", false],
    ["ü", false],
    ["Nats-Msg-Id", false],
    ["nats-expected-stream", false],
    ["Nmqtt-Pub", false],
    ["JETMQ-Props", false],
  ];
  for (const [name, ok] of table) assert.equal(isUserHeader(name), ok, name);
});

test("appendPropertyHeaders() writes readable headers; propertiesFromHeaders() reads them back", () => {
  const h = headers();
  appendPropertyHeaders(h, {
    contentType: "text/plain",
    payloadFormatIndicator: 1,
    correlationData: new Uint8Array([0, 0xff]),
    responseTopic: "not/a/header",
    userProperties: [["k", "1"], ["b", "x"], ["k", "2"], ["a b", "no"], [
      "Nats-Msg-Id",
      "no",
    ], ["v", "line\nbreak"]],
  });
  assert.deepEqual(msgHdrsLines(h), [
    ["Jetmq-Content-Type", "text/plain"],
    ["Jetmq-Payload-Format", "1"],
    ["Jetmq-Correlation-Data", "AP8="],
    ["k", "1"],
    ["k", "2"],
    ["b", "x"],
  ]);
  assert.deepEqual(propertiesFromHeaders(msgHdrsLines(h)), {
    contentType: "text/plain",
    payloadFormatIndicator: 1,
    correlationData: new Uint8Array([0, 0xff]),
    userProperties: [["k", "1"], ["k", "2"], ["b", "x"]],
  });
});

test("propertiesFromHeaders() skips our other headers, bad values and NATS control headers", () => {
  assert.equal(propertiesFromHeaders([]), undefined);
  assert.equal(
    propertiesFromHeaders([
      ["Nmqtt-Pub", "1"],
      ["Jetmq-Origin", "o"],
      [
        "Nats-Msg-Id",
        "x",
      ],
      ["Jetmq-Payload-Format", "7"],
      ["Jetmq-Correlation-Data", "%%"],
    ]),
    undefined,
  );
  assert.deepEqual(propertiesFromHeaders([["jetmq-content-type", "a/b"]]), {
    contentType: "a/b",
  });
});

test("messageFrom() prefers the exact Jetmq-Props over readable headers", () => {
  const properties = {
    userProperties: [["k", "1"], ["o", "x"], ["k", "2"], [" sp", "v "]] as [
      string,
      string,
    ][],
  };
  const h = messageHeaders({
    topic: "t",
    payload: new Uint8Array(),
    qos: 0,
    retain: false,
    properties,
  }, 0);
  assert.deepEqual(
    messageFrom("t", new Uint8Array(), h).properties,
    properties,
  );
});

test("toBase64() and fromBase64() round trip; bad input is undefined", () => {
  const bytes = new Uint8Array([0, 1, 0xfe, 0xff, 10]);
  assert.equal(toBase64(bytes), "AAH+/wo=");
  assert.deepEqual(fromBase64("AAH+/wo="), bytes);
  assert.equal(fromBase64("not base64!"), undefined);
});
