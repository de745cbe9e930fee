/**
 * Session expiry on JetStream without a reconnect: the sweeper removes the
 * record and the consumers of a session whose expiry passed, and leaves a
 * session that never expires.
 *
 * @module
 */

import { test } from "node:test";
import assert from "node:assert/strict";
import type { NatsConnection } from "@nats-io/transport-node";
import { jetstreamManager } from "@nats-io/jetstream";
import { createJetStreamBackend } from "../../src/backend/jetstream/mod.ts";
import { natsHash } from "../../src/topic/mod.ts";
import { connectNats, startNatsServer } from "../helpers/nats_server.ts";
import {
  connect,
  createClock,
  type FakeClock,
  msg,
} from "../helpers/backend_harness.ts";

type JetStreamBackend = Awaited<ReturnType<typeof createJetStreamBackend>>;

/**
 * Runs `body` on a JetStream backend over a fresh nats-server whose sweeper
 * runs every 20 ms against a fake clock; closes backend and connection after.
 */
async function withSweeper(
  body: (
    backend: JetStreamBackend,
    nc: NatsConnection,
    clock: FakeClock,
  ) => Promise<void>,
): Promise<void> {
  await using server = await startNatsServer();
  await using nc = await connectNats(server.url);
  const clock = createClock();
  const backend = await createJetStreamBackend({
    nc,
    now: clock.now,
    sweepInterval: 20,
  });
  try {
    await body(backend, nc, clock);
  } finally {
    await backend.close();
  }
}

test("the sweeper removes expired sessions with their consumers [MQTT-3.1.2-23]", async () => {
  await withSweeper(async (backend, nc, clock) => {
    const jsm = await jetstreamManager(nc);
    const gone = await connect(backend, "short");
    await gone.subscribe("s/#", 1);
    await gone.session.detach(10);
    const kept = await connect(backend, "forever");
    await kept.subscribe("f", 1);
    await kept.session.detach(0xFFFFFFFF);
    assert.equal(await jsm.consumers.info("$MQTT_msgs", "x").catch(() => 0), 0);
    const count = async () => {
      let n = 0;
      for await (const _ of jsm.consumers.list("$MQTT_msgs")) n++;
      return n;
    };
    assert.equal(await count(), 3); // s.>, "s fwc", f
    clock.advance(11_000);
    // The sweeper is another actor: poll with a deadline.
    const deadline = Date.now() + 5000;
    const swept = async () =>
      backend.stats().sessions === 1 && await count() === 1;
    while (!(await swept()) && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 20));
    }
    assert.equal(await count(), 1);
    const record = await jsm.streams.getMessage("$MQTT_sess", {
      last_by_subj: `$MQTT.sess.${natsHash("short")}`,
    });
    assert.equal(record, null);
    assert.equal(backend.stats().sessions, 1);
    assert.equal((await connect(backend, "forever")).session.present, true);
  });
});

test("the sweeper deletes our retained tombstones once other instances saw them", async () => {
  await withSweeper(async (backend, nc, clock) => {
    const jsm = await jetstreamManager(nc);
    const messages = async () =>
      (await jsm.streams.info("$MQTT_rmsgs")).state.messages;
    await backend.publish(msg("t/1", "x", 0, { retain: true }));
    await backend.publish(msg("t/2", "y", 0, { retain: true }));
    await backend.publish(msg("t/1", "", 0, { retain: true }));
    assert.equal(await messages(), 2); // t/2 and the tombstone of t/1
    clock.advance(11_000);
    const deadline = Date.now() + 5000;
    while (await messages() !== 1 && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 20));
    }
    assert.equal(await messages(), 1);
    assert.deepEqual((await backend.retained("t/#")).map((m) => m.topic), [
      "t/2",
    ]);
  });
});

test("the sweeper hands a swept member's unacknowledged shared copy to another member at once (§4.8.2)", async () => {
  await withSweeper(async (backend, _nc, clock) => {
    const gone = await connect(backend, "gone");
    await gone.subscribe("$share/g/sw", 1);
    await backend.publish(msg("sw", "a"));
    assert.equal((await gone.sink.next(1)).length, 1);
    await gone.session.detach(10);
    const stay = await connect(backend, "stay");
    await stay.subscribe("$share/g/sw", 1);
    clock.advance(11_000);
    // Well before the 30 s ack wait would redeliver it.
    const [d] = await stay.sink.next(1);
    assert.equal(d.kind === "publish" && d.qos, 1);
  });
});
