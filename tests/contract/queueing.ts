/**
 * Backend contract, part 2: QoS 1/2 queues, the window, redelivery, inbound
 * QoS 2, bounds and message expiry.
 *
 * @module
 */

import { test } from "node:test";
import assert from "node:assert/strict";
import type { WithBackend } from "../backend_contract.ts";
import { connect, msg, publishes, text } from "../helpers/backend_harness.ts";

/** Registers the queueing tests. */
export function queueingContract(withBackend: WithBackend): void {
  test("openSession() queues QoS 1 for an offline session and resume() delivers it in order", () =>
    withBackend(async ({ backend }) => {
      const s = await connect(backend, "q");
      await s.subscribe("q/#", 2);
      await s.session.detach(3600);
      for (let i = 0; i < 3; i++) {
        await backend.publish(msg(`q/${i}`, `${i}`, 1));
      }
      await backend.publish(msg("q/x", "two", 2));
      const back = await connect(backend, "q");
      assert.equal(back.session.present, true);
      const ds = publishes(await back.sink.next(4));
      assert.deepEqual(ds.map(text), ["0", "1", "2", "two"]);
      assert.deepEqual(ds.map((d) => d.qos), [1, 1, 1, 2]);
      assert.ok(ds.every((d) => !d.dup && d.packetId! >= 1));
      assert.equal(new Set(ds.map((d) => d.packetId)).size, 4);
      for (const d of ds) await back.ack(d.packetId!);
    }));

  test("Session never has more than `window` deliveries unacknowledged; ack() pulls more", () =>
    withBackend(async ({ backend }) => {
      const s = await connect(backend, "w", { window: 2 });
      await s.subscribe("w", 1);
      for (let i = 0; i < 5; i++) await backend.publish(msg("w", `${i}`));
      const got = publishes(await s.sink.next(2));
      assert.deepEqual(got.map(text), ["0", "1"]);
      await s.ack(got[0].packetId!);
      got.push(...publishes(await s.sink.next(1)));
      await s.ack(got[1].packetId!);
      await s.ack(got[2].packetId!);
      got.push(...publishes(await s.sink.next(2)));
      assert.deepEqual(got.map(text), ["0", "1", "2", "3", "4"]);
      assert.ok(s.sink.maxOutstanding <= 2, `max ${s.sink.maxOutstanding}`);
    }));

  test("resume() resends unacknowledged messages with DUP and the same packet ids, in order [MQTT-4.4.0-1] [MQTT-3.3.1-1]", () =>
    withBackend(async ({ backend }) => {
      const s = await connect(backend, "r", { window: 10 });
      await s.subscribe("r", 1);
      for (let i = 0; i < 3; i++) await backend.publish(msg("r", `${i}`));
      const first = publishes(await s.sink.next(3));
      await s.ack(first[1].packetId!);
      await s.session.detach(3600);
      const back = await connect(backend, "r", { window: 10 });
      assert.equal(back.session.present, true);
      const again = publishes(await back.sink.next(2));
      assert.deepEqual(again.map(text), ["0", "2"]);
      assert.deepEqual(again.map((d) => d.dup), [true, true]);
      assert.deepEqual(
        again.map((d) => d.packetId),
        [first[0].packetId, first[2].packetId],
      );
      await backend.publish(msg("r", "new"));
      const [fresh] = publishes(await back.sink.next(1));
      assert.equal(fresh.dup, false);
      assert.ok(!again.some((d) => d.packetId === fresh.packetId));
    }));

  test("received() leaves a PUBREL that resume() resends in original order [MQTT-4.4.0-1]", () =>
    withBackend(async ({ backend }) => {
      const s = await connect(backend, "p");
      await s.subscribe("p", 2);
      await backend.publish(msg("p", "a", 2));
      await backend.publish(msg("p", "b", 2));
      const [a, b] = publishes(await s.sink.next(2));
      await s.session.received(a.packetId!);
      await s.session.detach(3600);
      const back = await connect(backend, "p");
      const ds = await back.sink.next(2);
      assert.deepEqual(ds[0], { kind: "pubrel", packetId: a.packetId });
      assert.equal(ds[1].kind, "publish");
      assert.equal(text(ds[1]), "b");
      assert.equal(ds[1].kind === "publish" && ds[1].dup, true);
      assert.equal(ds[1].kind === "publish" && ds[1].packetId, b.packetId);
      await back.ack(a.packetId!);
      await back.session.received(b.packetId!);
      await back.ack(b.packetId!);
      await back.session.detach(3600);
      await backend.publish(msg("p", "c", 2));
      const last = await connect(backend, "p");
      assert.deepEqual((await last.sink.next(1)).map(text), ["c"]);
    }));

  test("receiveQoS2() routes once and detects duplicates until releaseQoS2() [MQTT-4.3.3-2]", () =>
    withBackend(async ({ backend }) => {
      const sub = await connect(backend, "sub");
      await sub.subscribe("in", 0);
      const pub = await connect(backend, "pub");
      assert.equal(await pub.session.receiveQoS2(7, msg("in", "one", 2)), true);
      assert.equal(
        await pub.session.receiveQoS2(7, msg("in", "one", 2)),
        false,
      );
      assert.equal(await pub.session.releaseQoS2(7), true);
      assert.equal(await pub.session.releaseQoS2(7), false);
      assert.equal(await pub.session.receiveQoS2(7, msg("in", "two", 2)), true);
      await pub.session.detach(3600);
      const again = await connect(backend, "pub");
      assert.equal(
        await again.session.receiveQoS2(7, msg("in", "dup", 2)),
        false,
      );
      assert.equal(await again.session.releaseQoS2(7), true);
      await backend.publish(msg("in", "end", 0));
      assert.deepEqual((await sub.sink.next(3)).map(text), [
        "one",
        "two",
        "end",
      ]);
    }));

  test("publish() drops QoS 0 for an offline session but queues QoS 1", () =>
    withBackend(async ({ backend }) => {
      const s = await connect(backend, "z");
      await s.subscribe("z", 1);
      await s.session.detach(3600);
      await backend.publish(msg("z", "zero", 0));
      await backend.publish(msg("z", "one", 1));
      const back = await connect(backend, "z");
      assert.deepEqual((await back.sink.next(1)).map(text), ["one"]);
      assert.equal(back.sink.deliveries.length, 1);
    }));

  test("publish() drops new messages beyond maxQueuedMessages and counts them", () =>
    withBackend(async ({ backend }) => {
      const s = await connect(backend, "b");
      await s.subscribe("b", 1);
      await s.session.detach(3600);
      const before = backend.stats().dropped;
      for (let i = 0; i < 10; i++) await backend.publish(msg("b", `${i}`));
      assert.equal(backend.stats().dropped - before, 2);
      const back = await connect(backend, "b", { window: 20 });
      const ds = await back.sink.next(8);
      assert.deepEqual(ds.map(text), ["0", "1", "2", "3", "4", "5", "6", "7"]);
      await backend.publish(msg("b", "after"));
      assert.deepEqual((await back.sink.next(1)).map(text), ["after"]);
    }));

  test("publish() drops new messages beyond maxQueuedBytes and counts them", () =>
    withBackend(async ({ backend }) => {
      const s = await connect(backend, "y");
      await s.subscribe("y", 1);
      await s.session.detach(3600);
      const before = backend.stats().dropped;
      const big = "x".repeat(1500);
      for (let i = 0; i < 3; i++) await backend.publish(msg("y", `${i}${big}`));
      assert.equal(backend.stats().dropped - before, 1);
      const back = await connect(backend, "y");
      const ds = await back.sink.next(2);
      assert.deepEqual(ds.map((d) => text(d)[0]), ["0", "1"]);
    }));

  test("resume() skips queued messages whose expiry passed [MQTT-3.3.2-5]", () =>
    withBackend(async ({ backend, clock }) => {
      const s = await connect(backend, "e");
      await s.subscribe("e", 1);
      await s.session.detach(3600);
      const t = clock.now();
      await backend.publish(msg("e", "short", 1, { expiresAt: t + 5_000 }));
      await backend.publish(msg("e", "long", 1, { expiresAt: t + 60_000 }));
      await backend.publish(msg("e", "none", 1));
      clock.advance(10_000);
      const back = await connect(backend, "e");
      const ds = publishes(await back.sink.next(2));
      assert.deepEqual(ds.map(text), ["long", "none"]);
      assert.equal(ds[0].message.expiresAt, t + 60_000);
    }));

  test("enqueue() sends QoS 0 at once and QoS 1 through the window with its RETAIN flag", () =>
    withBackend(async ({ backend }) => {
      const s = await connect(backend, "n", { window: 1 });
      await s.subscribe("n", 1);
      await backend.publish(msg("n", "live"));
      const ids = { qos: 1 as const, retain: true, subscriptionIds: [3] };
      await s.session.enqueue(msg("n", "kept"), ids);
      await s.session.enqueue(msg("n", "zero", 0), { qos: 0, retain: true });
      const [live, zero] = publishes(await s.sink.next(2));
      assert.deepEqual([text(live), text(zero)], ["live", "zero"]);
      assert.equal(zero.retain, true);
      await s.ack(live.packetId!);
      const [kept] = publishes(await s.sink.next(1));
      assert.equal(text(kept), "kept");
      assert.equal(kept.retain, true);
      assert.equal(kept.qos, 1);
      assert.deepEqual(kept.subscriptionIds, [3]);
    }));

  test("stats() counts sessions, retained and queued messages", () =>
    withBackend(async ({ backend }) => {
      const s = await connect(backend, "st");
      await s.subscribe("st", 1);
      await s.session.detach(3600);
      await backend.publish(msg("st", "1"));
      await backend.publish(msg("st/r", "r", 0, { retain: true }));
      const stats = backend.stats();
      assert.equal(stats.sessions, 1);
      assert.equal(stats.retained, 1);
      assert.equal(stats.queued, 1);
    }));
}
