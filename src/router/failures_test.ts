import { test } from "node:test";
import assert from "node:assert/strict";
import type { Backend } from "../backend/types.ts";
import { createEmbeddedBackend } from "../backend/embedded/mod.ts";
import { PacketType, ReasonCode } from "../codec/mod.ts";
import { nullLogger, nullMetrics } from "../observability/types.ts";
import { startBroker } from "../../tests/helpers/mqtt_harness.ts";
import { expectDisconnect, publish } from "../../tests/helpers/mqtt_packets.ts";

/** The embedded backend, failing publishes to `fail/…` and some sessions. */
async function flakyBackend(): Promise<Backend> {
  const inner = await createEmbeddedBackend({
    dir: "unused",
    memory: true,
    logger: nullLogger,
    metrics: nullMetrics,
    sweepIntervalMs: 3_600_000,
  });
  return {
    name: inner.name,
    publish: (m) =>
      m.topic.startsWith("fail/")
        ? Promise.reject(new Error("disk full"))
        : inner.publish(m),
    openSession: (o) =>
      o.clientId === "broken"
        ? Promise.reject(new Error("store down"))
        : inner.openSession(o),
    retained: (f) => inner.retained(f),
    stats: () => inner.stats(),
    close: () => inner.close(),
  };
}

test("createRouter() a failed v5 QoS 1 publish gets PUBACK 0x80", async () => {
  const backend = await flakyBackend();
  try {
    await using broker = await startBroker({ backend });
    const { client } = await broker.connect({
      clientId: "a",
      protocolVersion: 5,
    });
    await client.send(publish("fail/x", "p", 1, 3));
    const ack = await client.next();
    assert.equal(ack.type, PacketType.PUBACK);
    if (ack.type === PacketType.PUBACK) {
      assert.equal(ack.reasonCode, ReasonCode.UnspecifiedError);
    }
  } finally {
    await backend.close();
  }
});

test("createRouter() a failed 3.1.1 QoS 1 publish closes without PUBACK", async () => {
  const backend = await flakyBackend();
  try {
    await using broker = await startBroker({ backend });
    const { client } = await broker.connect({ clientId: "a" });
    await client.send(publish("fail/x", "p", 1, 3));
    await client.closed();
    await assert.rejects(client.next());
  } finally {
    await backend.close();
  }
});

test("createRouter() a session that cannot be opened gets CONNACK 3 and may retry", async () => {
  const backend = await flakyBackend();
  try {
    await using broker = await startBroker({ backend });
    const { client, connack } = await broker.connect({ clientId: "broken" });
    assert.deepEqual(connack, {
      type: PacketType.CONNACK,
      sessionPresent: false,
      reasonCode: ReasonCode.ServerUnavailable,
    });
    await client.closed();
    const again = await broker.connect({ clientId: "fine" });
    assert.equal(again.connack.type, PacketType.CONNACK);
  } finally {
    await backend.close();
  }
});

test("createRouter() a connection taken over while its session opens gets CONNACK 0, then DISCONNECT 0x8E, and its will goes out [MQTT-3.1.4-3]", async () => {
  const inner = await flakyBackend();
  let release!: () => void;
  const gate = new Promise<void>((r) => (release = r));
  let willSent!: () => void;
  const willPublished = new Promise<void>((r) => (willSent = r));
  let opened = 0;
  const backend: Backend = {
    ...inner,
    publish(m) {
      if (m.topic === "race/will") willSent();
      return inner.publish(m);
    },
    async openSession(o) {
      // The first open waits until the second connection has attached.
      if (opened++ === 0) await gate;
      return inner.openSession(o);
    },
  };
  try {
    await using broker = await startBroker({ backend });
    const slow = broker.open(5);
    await slow.send({
      type: PacketType.CONNECT,
      protocolName: "MQTT",
      protocolVersion: 5,
      clean: false,
      keepAlive: 0,
      clientId: "race",
      will: {
        topic: "race/will",
        payload: new Uint8Array([1]),
        qos: 0,
        retain: false,
      },
    });
    const fast = broker.connect({
      clientId: "race",
      clean: false,
      protocolVersion: 5,
    });
    // The takeover by `fast` publishes the will of `slow`.
    await willPublished;
    release();
    const { connack } = await fast;
    assert.equal(connack.type, PacketType.CONNACK);
    const first = await slow.next();
    assert.equal(first.type, PacketType.CONNACK);
    if (first.type === PacketType.CONNACK) {
      assert.equal(first.reasonCode, ReasonCode.Success);
    }
    expectDisconnect(await slow.next(), ReasonCode.SessionTakenOver);
    await slow.closed();
  } finally {
    await inner.close();
  }
});
