/**
 * NATS interoperability of the JetStream backend, with a nats.js client on
 * the NATS side: plain NATS → MQTT sessions, MQTT → NATS subscribers with
 * nats-server's headers, JetStream layout, takeover across two instances,
 * a nats-server restart during a QoS 1 stream, and deliveries lost on the
 * wire.
 *
 * @module
 */

import { test } from "node:test";
import assert from "node:assert/strict";
import { createJetStreamBackend } from "../../src/backend/jetstream/mod.ts";
import type { Backend } from "../../src/backend/types.ts";
import {
  connectNats,
  natsNext,
  startNatsServer,
} from "../helpers/nats_server.ts";
import { startNatsProxy } from "../helpers/nats_proxy.ts";
import {
  connect,
  msg,
  publishes,
  text,
  waitUntil,
} from "../helpers/backend_harness.ts";

const encoder = new TextEncoder();

test("a plain NATS publish on a.b reaches sessions of a/b, a/+ and # at QoS 0", async () => {
  await using server = await startNatsServer();
  await using nc = await connectNats(server.url);
  await using app = await connectNats(server.url);
  const backend = await createJetStreamBackend({ nc });
  try {
    const exact = await connect(backend, "exact");
    const plus = await connect(backend, "plus");
    const all = await connect(backend, "all");
    await exact.subscribe("a/b", 1);
    await plus.subscribe("a/+", 0);
    await all.subscribe("#", 2);
    await nc.flush();
    app.publish("a.b", encoder.encode("hi"));
    for (const c of [exact, plus, all]) {
      const [d] = publishes(await c.sink.next(1));
      assert.equal(d.message.topic, "a/b");
      assert.equal(text(d), "hi");
      assert.equal(d.qos, 0);
    }
    // A request's reply subject survives as a topic a # subscriber sees.
    app.publish("_INBOX.abc", encoder.encode("r"));
    const [inbox] = publishes(await all.sink.next(1));
    assert.equal(inbox.message.topic, "_INBOX/abc");
  } finally {
    await backend.close();
  }
});

test("a backend publish on x/y reaches a NATS subscriber of x.y with Nmqtt-Pub and is stored in $MQTT_msgs", async () => {
  await using server = await startNatsServer();
  await using nc = await connectNats(server.url);
  await using app = await connectNats(server.url);
  const backend = await createJetStreamBackend({ nc });
  try {
    const s = await connect(backend, "keep");
    await s.subscribe("x/#", 1);
    const core = await natsNext(app, "x.y");
    const stored = await natsNext(app, "$MQTT.msgs.x.y");
    await backend.publish(msg("x/y", "payload", 1));
    const m = await core();
    assert.equal(new TextDecoder().decode(m.data), "payload");
    assert.equal(m.headers?.get("Nmqtt-Pub"), "1");
    assert.equal((await stored()).headers?.get("Nmqtt-Pub"), "1");
    // A dot in a topic is `//` on NATS (reference §1.1).
    const dotted = await natsNext(app, "spBv1//0.plant");
    await backend.publish(msg("spBv1.0/plant", "b", 0));
    assert.equal((await dotted()).headers?.get("Nmqtt-Pub"), "0");
  } finally {
    await backend.close();
  }
});

test("retained messages of one instance are visible to another", async () => {
  await using server = await startNatsServer();
  await using nc1 = await connectNats(server.url);
  await using nc2 = await connectNats(server.url);
  const a = await createJetStreamBackend({ nc: nc1, name: "a" });
  let b: Backend | undefined;
  try {
    await a.publish(msg("r/1", "one", 1, { retain: true }));
    b = await createJetStreamBackend({ nc: nc2, name: "b" });
    assert.deepEqual((await b.retained("r/#")).map(text), ["one"]);
    await a.publish(msg("r/2", "two", 0, { retain: true }));
    await a.publish(msg("r/1", "", 0, { retain: true }));
    assert.deepEqual((await b.retained("r/#")).map(text), ["two"]);
  } finally {
    await b?.close();
    await a.close();
  }
});

test("a client id connecting to another instance takes the session over; the old one is jailed 1 s", async () => {
  await using server = await startNatsServer();
  await using nc1 = await connectNats(server.url);
  await using nc2 = await connectNats(server.url);
  const a = await createJetStreamBackend({ nc: nc1, name: "a" });
  let b: Backend | undefined;
  try {
    b = await createJetStreamBackend({ nc: nc2, name: "b" });
    const first = await connect(a, "dev", { window: 8 });
    await first.subscribe("t", 1);
    await a.publish(msg("t", "before"));
    const [unacked] = publishes(await first.sink.next(1));
    const second = await connect(b, "dev", { window: 8 });
    assert.equal(second.session.present, true);
    await first.takenOver();
    assert.equal(first.takeovers, 1);
    // What the first instance sent and was not acknowledged comes again.
    const [again] = publishes(await second.sink.next(1));
    assert.equal(text(again), "before");
    assert.equal(again.dup, true);
    assert.equal(again.packetId, unacked.packetId);
    await a.publish(msg("t", "after"));
    assert.deepEqual((await second.sink.next(1)).map(text), ["after"]);
    assert.equal(first.sink.deliveries.length, 1);
    await assert.rejects(connect(a, "dev"));
  } finally {
    await a.close();
    await b?.close();
  }
});

test("a nats-server restart during a QoS 1 stream loses no acknowledged message", async () => {
  await using server = await startNatsServer();
  await using nc = await connectNats(server.url, {
    maxReconnectAttempts: -1,
    reconnectTimeWait: 100,
  });
  const backend = await createJetStreamBackend({
    nc,
    apiTimeout: 1500,
    ackWait: 1000,
  });
  try {
    const s = await connect(backend, "sink", { window: 64 });
    await s.subscribe("st/#", 1);
    const received = new Set<string>();
    s.sink.listeners.add(() => {
      for (const d of publishes(s.sink.deliveries.splice(0))) {
        received.add(text(d));
        void s.session.ack(d.packetId!);
      }
    });
    const acked: string[] = [];
    let restarting: Promise<void> | undefined;
    for (let batch = 0; batch < 10; batch++) {
      if (batch === 3) restarting = server.restart();
      const results = await Promise.allSettled(
        Array.from({ length: 20 }, (_, i) => {
          const body = `${batch}-${i}`;
          return backend.publish(msg(`st/${batch}`, body)).then(() => body);
        }),
      );
      for (const r of results) {
        if (r.status === "fulfilled") acked.push(r.value);
      }
    }
    await restarting;
    assert.ok(acked.length >= 100, `only ${acked.length} acknowledged`);
    const missing = () => acked.filter((b) => !received.has(b));
    await waitUntil(
      [s.sink],
      () => missing().length === 0,
      () => `${missing().length} acknowledged messages`,
    );
  } finally {
    await backend.close();
  }
});

test("a JetStream delivery lost on the wire comes again; acks of later messages do not acknowledge it", async () => {
  await using server = await startNatsServer();
  await using proxy = await startNatsProxy(server.port);
  await using nc = await connectNats(proxy.url);
  const backend = await createJetStreamBackend({ nc, ackWait: 1000 });
  try {
    const s = await connect(backend, "sink", { window: 64 });
    await s.subscribe("st/#", 1);
    const received = new Set<string>();
    s.sink.listeners.add(() => {
      for (const d of publishes(s.sink.deliveries.splice(0))) {
        received.add(text(d));
        void s.session.ack(d.packetId!);
      }
    });
    // Stored and acknowledged, pushed by the server, never seen by us: as
    // when the connection breaks with deliveries in flight.
    proxy.dropDeliveries = true;
    const lost = ["a0", "a1", "a2"];
    await Promise.all(lost.map((b) => backend.publish(msg("st/a", b))));
    proxy.dropDeliveries = false;
    assert.equal(proxy.dropped, 3);
    // Their PUBACKs come well within the ack wait of the lost ones.
    await Promise.all(["b0", "b1"].map((b) => backend.publish(msg("st/b", b))));
    await waitUntil(
      [s.sink],
      () => lost.every((b) => received.has(b)),
      () => `the lost deliveries (have ${[...received].join(",")})`,
    );
  } finally {
    await backend.close();
  }
});
