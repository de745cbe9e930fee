/**
 * Backend contract, part 3: session present/clean/takeover/expiry and
 * durability across a restart.
 *
 * @module
 */

import { test } from "node:test";
import assert from "node:assert/strict";
import type { WithBackend } from "../backend_contract.ts";
import { connect, msg, publishes, text } from "../helpers/backend_harness.ts";

const NEVER = 0xFFFFFFFF;

/** Registers the session and durability tests. */
export function sessionContract(withBackend: WithBackend): void {
  test("openSession() reports present only for kept state [MQTT-3.2.2-2] [MQTT-3.2.2-3]", () =>
    withBackend(async ({ backend }) => {
      const first = await connect(backend, "c");
      assert.equal(first.session.present, false);
      assert.equal(await first.subscribe("c/#", 1), false);
      assert.equal(await first.subscribe("c/#", 2), true);
      await first.session.detach(3600);
      const kept = await connect(backend, "c");
      assert.equal(kept.session.present, true);
      assert.deepEqual([...kept.session.subscriptions.keys()], ["c/#"]);
      assert.equal(kept.session.subscriptions.get("c/#")?.qos, 2);
      await kept.session.detach(3600);
      await backend.publish(msg("c/1", "old"));
      const clean = await connect(backend, "c", { clean: true });
      assert.equal(clean.session.present, false);
      assert.equal(clean.session.subscriptions.size, 0);
      await clean.subscribe("c/#", 1);
      await backend.publish(msg("c/1", "new"));
      assert.deepEqual((await clean.sink.next(1)).map(text), ["new"]);
    }));

  test("unsubscribe() reports what existed and stops delivery", () =>
    withBackend(async ({ backend }) => {
      const s = await connect(backend, "u");
      await s.subscribe("u/1", 0);
      await s.subscribe("u/2", 0);
      assert.deepEqual(await s.session.unsubscribe(["u/1", "u/9"]), [
        true,
        false,
      ]);
      assert.deepEqual([...s.session.subscriptions.keys()], ["u/2"]);
      await backend.publish(msg("u/1", "gone", 0));
      await backend.publish(msg("u/2", "here", 0));
      assert.deepEqual((await s.sink.next(1)).map(text), ["here"]);
    }));

  test("detach(0) ends the session with its subscriptions and queue [MQTT-3.1.2-23]", () =>
    withBackend(async ({ backend }) => {
      const s = await connect(backend, "t", { expiry: 0 });
      await s.subscribe("t", 1);
      await s.session.detach(0);
      await backend.publish(msg("t", "lost"));
      const again = await connect(backend, "t");
      assert.equal(again.session.present, false);
      assert.equal(again.session.subscriptions.size, 0);
      assert.equal(backend.stats().queued, 0);
    }));

  test("detach(expiry) keeps the session until the expiry passes [MQTT-3.1.2-23]", () =>
    withBackend(async ({ backend, clock }) => {
      const s = await connect(backend, "x", { expiry: 0 });
      await s.subscribe("x", 1);
      await s.session.detach(10);
      clock.advance(9_000);
      const kept = await connect(backend, "x");
      assert.equal(kept.session.present, true);
      await kept.session.detach(10);
      clock.advance(10_000);
      await backend.publish(msg("x", "late"));
      const gone = await connect(backend, "x");
      assert.equal(gone.session.present, false);
      await gone.subscribe("x", 1);
      await backend.publish(msg("x", "fresh"));
      assert.deepEqual((await gone.sink.next(1)).map(text), ["fresh"]);
    }));

  test("detach(0xFFFFFFFF) never expires", () =>
    withBackend(async ({ backend, clock }) => {
      const s = await connect(backend, "v");
      await s.session.detach(NEVER);
      clock.advance(20 * 365 * 86_400_000);
      assert.equal((await connect(backend, "v")).session.present, true);
    }));

  test("openSession() takes over an attached session; the old handle is inert [MQTT-3.1.4-3]", () =>
    withBackend(async ({ backend }) => {
      const old = await connect(backend, "k", { window: 4 });
      await old.subscribe("k", 1);
      await backend.publish(msg("k", "unacked"));
      const [sent] = publishes(await old.sink.next(1));
      const next = await connect(backend, "k", { window: 4 });
      assert.equal(old.takeovers, 1);
      assert.equal(next.takeovers, 0);
      assert.equal(next.session.present, true);
      const [again] = publishes(await next.sink.next(1));
      assert.equal(text(again), "unacked");
      assert.equal(again.dup, true);
      assert.equal(again.packetId, sent.packetId);
      await old.session.detach(0);
      assert.deepEqual(await old.session.subscribe([]), []);
      await backend.publish(msg("k", "after"));
      assert.deepEqual((await next.sink.next(1)).map(text), ["after"]);
      assert.equal(old.sink.deliveries.length, 1);
    }));

  test("openSession() with clean start after takeover discards the old state [MQTT-3.1.2-4]", () =>
    withBackend(async ({ backend }) => {
      const old = await connect(backend, "k2");
      await old.subscribe("k2", 1);
      const next = await connect(backend, "k2", { clean: true });
      assert.equal(old.takeovers, 1);
      assert.equal(next.session.present, false);
      assert.equal(next.session.subscriptions.size, 0);
    }));

  test("restart keeps sessions, queues, in-flight ids, PUBRELs, QoS 2 ids and retained", async (t) => {
    await withBackend(async (ctx) => {
      if (ctx.restart === undefined) return t.skip("no restart");
      const s = await connect(ctx.backend, "d", { window: 10 });
      await s.subscribe("d/#", 2, { subscriptionId: 5 });
      const pub = await connect(ctx.backend, "pub");
      await ctx.backend.publish(msg("d/1", "1", 1));
      await ctx.backend.publish(msg("d/2", "2", 2));
      await ctx.backend.publish(msg("d/3", "3", 2));
      const sent = publishes(await s.sink.next(3));
      await s.session.received(sent[1].packetId!);
      await s.session.detach(3600);
      const properties = {
        contentType: "a/b",
        correlationData: new Uint8Array([0, 255]),
        userProperties: [["k", "v"], ["k", "w"]] as [string, string][],
      };
      const expiresAt = ctx.clock.now() + 60_000;
      await ctx.backend.publish(msg("d/4", "4", 1, { properties, expiresAt }));
      assert.equal(await pub.session.receiveQoS2(11, msg("d/q", "q", 2)), true);
      await ctx.backend.publish(msg("keep", "kept", 1, { retain: true }));
      const backend = await ctx.restart();
      const back = await connect(backend, "d", { window: 10 });
      assert.equal(back.session.present, true);
      assert.equal(back.session.subscriptions.get("d/#")?.subscriptionId, 5);
      const ds = await back.sink.next(5);
      assert.deepEqual(ds.map(text), [
        "1",
        "pubrel:" + sent[1].packetId,
        "3",
        "4",
        "q",
      ]);
      const p = publishes(ds);
      assert.deepEqual(p.map((d) => d.packetId).slice(0, 2), [
        sent[0].packetId,
        sent[2].packetId,
      ]);
      assert.deepEqual(p.map((d) => d.dup), [true, true, false, false]);
      assert.deepEqual(p[2].subscriptionIds, [5]);
      assert.deepEqual(p[2].message.properties, properties);
      assert.equal(p[2].message.expiresAt, expiresAt);
      assert.ok(p[2].message.payload instanceof Uint8Array);
      assert.equal(p[3].qos, 2);
      const again = await connect(backend, "pub");
      assert.equal(again.session.present, true);
      assert.equal(
        await again.session.receiveQoS2(11, msg("d/q", "q", 2)),
        false,
      );
      assert.deepEqual((await backend.retained("keep")).map(text), ["kept"]);
    });
  });

  test("restart removes sessions whose expiry passed while down", async (t) => {
    await withBackend(async (ctx) => {
      if (ctx.restart === undefined) return t.skip("no restart");
      const s = await connect(ctx.backend, "gone");
      await s.subscribe("g", 1);
      await s.session.detach(10);
      const stay = await connect(ctx.backend, "stay");
      await stay.session.detach(3600);
      ctx.clock.advance(11_000);
      const backend = await ctx.restart();
      assert.equal((await connect(backend, "gone")).session.present, false);
      assert.equal((await connect(backend, "stay")).session.present, true);
    });
  });
}
