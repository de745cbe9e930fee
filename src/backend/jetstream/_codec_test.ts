import { test } from "node:test";
import assert from "node:assert/strict";
import { headers } from "@nats-io/transport-node";
import type { Msg } from "@nats-io/transport-node";
import {
  createHeaderCache,
  createHeaderMemo,
  headerQoS,
  headerView,
  messageFrom,
  messageHeaders,
  parseAck,
} from "./_codec.ts";

test("parseAck() reads 2.9 (9-token) ack subjects", () => {
  assert.deepEqual(
    parseAck("$JS.ACK.$MQTT_msgs.abc_X.2.17.5.1796400385008942686.3"),
    {
      stream: "$MQTT_msgs",
      consumer: "abc_X",
      delivered: 2,
      streamSeq: 17,
      pending: 3,
    },
  );
});

test("parseAck() reads 2.10+ (11-token and longer) ack subjects", () => {
  const ack = parseAck("$JS.ACK._.ACCHASH.$MQTT_msgs.c1.1.42.40.171.0.tok");
  assert.deepEqual(ack, {
    stream: "$MQTT_msgs",
    consumer: "c1",
    delivered: 1,
    streamSeq: 42,
    pending: 0,
  });
});

test("parseAck() refuses other subjects", () => {
  assert.equal(parseAck(undefined), undefined);
  assert.equal(parseAck("_INBOX.x"), undefined);
  assert.equal(parseAck("$JS.ACK.a.b.c"), undefined);
});

test("headerQoS() reads the first character of Nmqtt-Pub (reference §6)", () => {
  const h = headers();
  assert.equal(headerQoS(undefined), 0);
  assert.equal(headerQoS(h), 0);
  h.set("Nmqtt-Pub", "25");
  assert.equal(headerQoS(h), 2);
  h.set("Nmqtt-Pub", "1");
  assert.equal(headerQoS(h), 1);
  h.set("Nmqtt-Pub", "x");
  assert.equal(headerQoS(h), 0);
});

test("messageHeaders() and messageFrom() carry origin, expiry, RETAIN and v5 properties", () => {
  const properties = {
    payloadFormatIndicator: 1 as const,
    contentType: "text/plain",
    responseTopic: "r/t",
    correlationData: new Uint8Array([0, 255]),
    userProperties: [["k", "1"], ["k", "2"]] as [string, string][],
  };
  const h = messageHeaders({
    topic: "a/b",
    payload: new Uint8Array([1]),
    qos: 2,
    retain: true,
    origin: "me",
    expiresAt: 1234,
    properties,
  }, 1);
  assert.equal(h.get("Nmqtt-Pub"), "1");
  const back = messageFrom("a/b", new Uint8Array([1]), h);
  assert.deepEqual(back, {
    topic: "a/b",
    payload: new Uint8Array([1]),
    qos: 1,
    retain: true,
    origin: "me",
    expiresAt: 1234,
    properties,
  });
});

test("messageFrom() turns a NATS reply subject into the Response Topic", () => {
  const m = messageFrom("svc/q", new Uint8Array(), undefined, "_INBOX.ab.1");
  assert.deepEqual(m.properties, { responseTopic: "_INBOX/ab/1" });
  assert.equal(
    messageFrom("t", new Uint8Array(), undefined, "$JS.ACK.x")
      .properties,
    undefined,
  );
});

test("createHeaderCache() reuses the encoded common headers and keeps the rest exact", () => {
  const cache = createHeaderCache();
  const m = {
    topic: "t",
    payload: new Uint8Array(),
    qos: 1 as const,
    retain: false,
    origin: "c",
  };
  const a = cache.get(m, 1) as unknown as { encode(): Uint8Array };
  assert.equal(a, cache.get({ ...m }, 1));
  const text = new TextDecoder().decode(a.encode());
  assert.match(text, /Nmqtt-Pub: 1\r\n/);
  assert.match(text, /Jetmq-Origin: c\r\n/);
  const retained = cache.get({ ...m, retain: true }, 1);
  assert.equal(retained.get("Jetmq-Retain"), "1");
});

/** A received message as nats.js holds it: raw bytes, header length. */
function received(headerBlock: string, payload = "p"): Msg {
  const head = new TextEncoder().encode(headerBlock);
  const body = new TextEncoder().encode(payload);
  const raw = new Uint8Array(head.length + body.length);
  raw.set(head);
  raw.set(body, head.length);
  return { _rdata: raw, _msg: { hdr: head.length } } as unknown as Msg;
}

test("headerView() with a memo reuses the view of an equal header block, not of another", () => {
  const memo = createHeaderMemo();
  const a = "NATS/1.0\r\nNmqtt-Pub: 1\r\nJetmq-Origin: c1\r\n\r\n";
  const first = headerView(received(a, "x"), memo)!;
  assert.equal(first.get("Nmqtt-Pub"), "1");
  assert.equal(headerView(received(a, "other payload"), memo), first);
  const b = "NATS/1.0\r\nNmqtt-Pub: 2\r\nJetmq-Origin: c1\r\n\r\n";
  const second = headerView(received(b), memo)!;
  assert.notEqual(second, first);
  assert.equal(second.get("Nmqtt-Pub"), "2");
  // Same length, one byte different: parsed again.
  const c = "NATS/1.0\r\nNmqtt-Pub: 2\r\nJetmq-Origin: c2\r\n\r\n";
  assert.equal(headerView(received(c), memo)!.get("Jetmq-Origin"), "c2");
  // Foreign headers keep every line, memo or not.
  const d = "NATS/1.0\r\nk: 1\r\nk: 2\r\n\r\n";
  headerView(received(d), memo);
  assert.deepEqual([...headerView(received(d), memo)!.lines!()], [
    ["k", "1"],
    ["k", "2"],
  ]);
});
