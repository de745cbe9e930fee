/**
 * Backend contract, part 1: routing, fan-out and retained messages.
 *
 * @module
 */

import { test } from "node:test";
import assert from "node:assert/strict";
import type { WithBackend } from "../backend_contract.ts";
import {
  connect,
  msg,
  publishes,
  text,
  waitUntil,
} from "../helpers/backend_harness.ts";

/** Registers the routing tests. */
export function routingContract(withBackend: WithBackend): void {
  test("publish() routes by +, # and exact filters [MQTT-4.7.1-2]", () =>
    withBackend(async ({ backend }) => {
      const a = await connect(backend, "a");
      const b = await connect(backend, "b");
      const c = await connect(backend, "c");
      const d = await connect(backend, "d");
      await a.subscribe("r/+/c", 0);
      await b.subscribe("r/#", 0);
      await c.subscribe("r/b/c", 0);
      await d.subscribe("s/#", 0);
      for (const x of [a, b, c, d]) await x.subscribe("end", 0);
      await backend.publish(msg("r/b/c", "1", 0));
      await backend.publish(msg("r", "2", 0));
      await backend.publish(msg("r/b/c/d", "3", 0));
      await backend.publish(msg("end", "end", 0));
      assert.deepEqual((await a.sink.next(2)).map(text), ["1", "end"]);
      assert.deepEqual((await b.sink.next(4)).map(text), [
        "1",
        "2",
        "3",
        "end",
      ]);
      assert.deepEqual((await c.sink.next(2)).map(text), ["1", "end"]);
      assert.deepEqual((await d.sink.next(1)).map(text), ["end"]);
    }));

  test("publish() never matches $ topics with a leading wildcard [MQTT-4.7.2-1]", () =>
    withBackend(async ({ backend }) => {
      const wild = await connect(backend, "wild");
      const sys = await connect(backend, "sys");
      await wild.subscribe("#", 0);
      await wild.subscribe("+/x", 0);
      await sys.subscribe("$SYS/#", 0);
      await backend.publish(msg("$SYS/x", "sys", 0));
      await backend.publish(msg("end/x", "end", 0));
      assert.deepEqual((await sys.sink.next(1)).map(text), ["sys"]);
      const got = await wild.sink.next(1);
      assert.deepEqual(got.map(text), ["end"]);
    }));

  test("publish() sends one copy at the highest granted QoS with every subscription id [MQTT-3.3.4-2] [MQTT-3.3.4-3]", () =>
    withBackend(async ({ backend }) => {
      const s = await connect(backend, "s");
      await s.subscribe("o/+", 0, { subscriptionId: 1 });
      await s.subscribe("o/#", 1, { subscriptionId: 2 });
      await s.subscribe("o/b", 0);
      await backend.publish(msg("o/b", "two", 2));
      await backend.publish(msg("o/b", "zero", 0));
      const [first, second] = publishes(await s.sink.next(2));
      assert.equal(text(first), "two");
      assert.equal(first.qos, 1);
      assert.ok(first.packetId! >= 1 && first.packetId! <= 65535);
      assert.deepEqual([...first.subscriptionIds!].sort(), [1, 2]);
      assert.equal(text(second), "zero");
      assert.equal(second.qos, 0);
      assert.equal(second.packetId, undefined);
    }));

  test("publish() skips the publisher's own No Local subscriptions [MQTT-3.8.3-3]", () =>
    withBackend(async ({ backend }) => {
      const me = await connect(backend, "me");
      await me.subscribe("n/#", 0, { noLocal: true });
      await backend.publish(msg("n/1", "mine", 0, { origin: "me" }));
      await backend.publish(msg("n/1", "theirs", 0, { origin: "you" }));
      assert.deepEqual((await me.sink.next(1)).map(text), ["theirs"]);
    }));

  test("publish() clears RETAIN unless Retain As Published [MQTT-3.3.1-9] [MQTT-3.3.1-12] [MQTT-3.3.1-13]", () =>
    withBackend(async ({ backend }) => {
      const plain = await connect(backend, "plain");
      const rap = await connect(backend, "rap");
      await plain.subscribe("k/#", 1);
      await rap.subscribe("k/#", 1, { retainAsPublished: true });
      await backend.publish(msg("k/1", "r", 1, { retain: true }));
      await backend.publish(msg("k/2", "n", 1));
      const p = publishes(await plain.sink.next(2));
      const r = publishes(await rap.sink.next(2));
      assert.deepEqual(p.map((d) => d.retain), [false, false]);
      assert.deepEqual(r.map((d) => d.retain), [true, false]);
    }));

  test("publish() gives each message to one member of a shared subscription [MQTT-4.8.2-4]", () =>
    withBackend(async ({ backend }) => {
      const m1 = await connect(backend, "m1");
      const m2 = await connect(backend, "m2");
      await m1.subscribe("$share/g/j/#", 0);
      await m2.subscribe("$share/g/j/#", 0);
      for (let i = 0; i < 20; i++) {
        await backend.publish(msg(`j/${i}`, `${i}`, 0));
      }
      const sinks = [m1.sink, m2.sink];
      const total = () => m1.sink.deliveries.length + m2.sink.deliveries.length;
      await waitUntil(sinks, () => total() >= 20, () => `20 (have ${total()})`);
      await backend.publish(msg("j/end", "end", 0));
      await waitUntil(sinks, () => total() >= 21, () => "the last one");
      const all = [...m1.sink.deliveries, ...m2.sink.deliveries].map(text);
      assert.equal(all.length, 21);
      assert.equal(new Set(all).size, 21);
      assert.ok(m1.sink.deliveries.length > 0 && m2.sink.deliveries.length > 0);
    }));

  test("publish() prefers online members of a shared subscription", () =>
    withBackend(async ({ backend }) => {
      const on = await connect(backend, "on");
      const off = await connect(backend, "off");
      await on.subscribe("$share/g/w", 1);
      await off.subscribe("$share/g/w", 1);
      await off.subscribe("mark", 1);
      await off.session.detach(3600);
      for (let i = 0; i < 4; i++) await backend.publish(msg("w", `${i}`));
      await backend.publish(msg("mark", "mark"));
      const got = await on.sink.next(4);
      assert.deepEqual(got.map(text), ["0", "1", "2", "3"]);
      const back = await connect(backend, "off");
      assert.deepEqual((await back.sink.next(1)).map(text), ["mark"]);
    }));

  test("a shared copy unacknowledged by a member whose session ends goes to another member (§4.8.2)", () =>
    withBackend(async ({ backend }) => {
      const m1 = await connect(backend, "m1", { expiry: 0, window: 1 });
      await m1.subscribe("$share/g/lost", 1);
      await backend.publish(msg("lost", "a"));
      await backend.publish(msg("lost", "b"));
      // "a" is in flight to m1, "b" waits for m1's window.
      assert.deepEqual((await m1.sink.next(1)).map(text), ["a"]);
      const m2 = await connect(backend, "m2");
      await m2.subscribe("$share/g/lost", 1);
      await m1.session.detach(0);
      const got = publishes(await m2.sink.next(2));
      assert.deepEqual(got.map(text).sort(), ["a", "b"]);
      assert.ok(got.every((d) => d.qos === 1 && d.packetId! > 0));
      for (const d of got) await m2.ack(d.packetId!);
      assert.equal(backend.stats().dropped, 0);
    }));

  test("a shared copy of an ended member with no other member is counted as dropped or kept for the next one (§4.8.2)", () =>
    withBackend(async ({ backend }) => {
      const m1 = await connect(backend, "m1", { expiry: 0 });
      await m1.subscribe("$share/g/alone", 1);
      await backend.publish(msg("alone", "a"));
      assert.deepEqual((await m1.sink.next(1)).map(text), ["a"]);
      await m1.session.detach(0);
      if (backend.stats().dropped === 1) return;
      const m3 = await connect(backend, "m3");
      await m3.subscribe("$share/g/alone", 1);
      assert.deepEqual((await m3.sink.next(1)).map(text), ["a"]);
    }));

  test("a shared copy of a member whose session expired goes to another member (§4.8.2)", () =>
    withBackend(async ({ backend, clock }) => {
      const m1 = await connect(backend, "m1", { expiry: 10 });
      await m1.subscribe("$share/g/exp", 1);
      await backend.publish(msg("exp", "a"));
      assert.deepEqual((await m1.sink.next(1)).map(text), ["a"]);
      await m1.session.detach(10);
      const m2 = await connect(backend, "m2");
      await m2.subscribe("$share/g/exp", 1);
      clock.advance(11_000);
      // Coming back finds the session expired: its copy goes to m2.
      const back = await connect(backend, "m1");
      assert.equal(back.session.present, false);
      assert.deepEqual((await m2.sink.next(1)).map(text), ["a"]);
    }));

  test("publish() gives a QoS 1 message to a shared member granted QoS 0 at QoS 0 [MQTT-3.8.4-8]", () =>
    withBackend(async ({ backend }) => {
      const m0 = await connect(backend, "m0");
      const m1 = await connect(backend, "m1");
      await m0.subscribe("$share/g/mix", 0);
      await m1.subscribe("$share/g/mix", 1);
      for (let i = 0; i < 6; i++) await backend.publish(msg("mix", `${i}`));
      const sinks = [m0.sink, m1.sink];
      const total = () => m0.sink.deliveries.length + m1.sink.deliveries.length;
      await waitUntil(sinks, () => total() >= 6, () => `6 (have ${total()})`);
      const all = [...m0.sink.deliveries, ...m1.sink.deliveries].map(text);
      assert.deepEqual(all.sort(), ["0", "1", "2", "3", "4", "5"]);
      assert.ok(publishes(m0.sink.deliveries).every((d) => d.qos === 0));
    }));

  test("publish() resolves 0 only when no session got a copy (v5 0x10 No matching subscribers)", () =>
    withBackend(async ({ backend }) => {
      const none = await backend.publish(msg("nm/none", "a"));
      assert.ok(none === 0 || none === undefined, `got ${none}`);
      const s = await connect(backend, "s");
      await s.subscribe("nm/+", 1);
      await s.subscribe("$share/g/nm/shared", 1);
      assert.notEqual(await backend.publish(msg("nm/one", "b")), 0);
      assert.notEqual(await backend.publish(msg("nm/shared", "c", 0)), 0);
      assert.notEqual(await s.session.receiveQoS2(9, msg("nm/two", "d")), 0);
      const q2 = await s.session.receiveQoS2(10, msg("none/two", "e"));
      assert.ok(q2 === 0 || q2 === true, `got ${q2}`);
    }));

  test("publish() sends a shared copy besides the non-shared one [MQTT-4.8.2-4]", () =>
    withBackend(async ({ backend }) => {
      const s = await connect(backend, "s");
      await s.subscribe("$share/g/both", 0, { subscriptionId: 7 });
      await s.subscribe("both", 0, { subscriptionId: 8 });
      await backend.publish(msg("both", "x", 0));
      const ds = publishes(await s.sink.next(2));
      const ids = ds.map((d) => d.subscriptionIds?.[0]).sort();
      assert.deepEqual(ids, [7, 8]);
    }));

  test("publish() stores, replaces and deletes retained messages [MQTT-3.3.1-5] [MQTT-3.3.1-10] [MQTT-3.3.1-11]", () =>
    withBackend(async ({ backend }) => {
      await backend.publish(msg("rt/a", "1", 1, { retain: true }));
      await backend.publish(msg("rt/b", "2", 0, { retain: true }));
      await backend.publish(msg("rt/new", "", 0, { retain: true }));
      const first = await backend.retained("rt/+");
      assert.deepEqual(first.map(text).sort(), ["1", "2"]);
      assert.ok(first.every((m) => m.retain));
      await backend.publish(msg("rt/a", "3", 2, { retain: true }));
      const [replaced] = await backend.retained("rt/a");
      assert.equal(text(replaced), "3");
      assert.equal(replaced.qos, 2);
      await backend.publish(msg("rt/a", "", 0, { retain: true }));
      const left = await backend.retained("#");
      assert.deepEqual(left.map((m) => m.topic), ["rt/b"]);
      assert.equal(backend.stats().retained, 1);
    }));

  test("retained() matches by filter, keeps $ topics from wildcards, not $share [MQTT-4.7.2-1]", () =>
    withBackend(async ({ backend }) => {
      await backend.publish(msg("$SYS/up", "s", 0, { retain: true }));
      await backend.publish(msg("a/b/c", "abc", 0, { retain: true }));
      await backend.publish(msg("a", "a", 0, { retain: true }));
      assert.deepEqual((await backend.retained("#")).map(text).sort(), [
        "a",
        "abc",
      ]);
      assert.deepEqual((await backend.retained("a/#")).map(text).sort(), [
        "a",
        "abc",
      ]);
      assert.deepEqual((await backend.retained("+/+/c")).map(text), ["abc"]);
      assert.deepEqual((await backend.retained("$SYS/#")).map(text), ["s"]);
      assert.deepEqual(await backend.retained("$share/g/#"), []);
    }));

  test("retained() skips a message whose expiry passed [MQTT-3.3.2-5]", () =>
    withBackend(async ({ backend, clock }) => {
      const expiresAt = clock.now() + 5000;
      await backend.publish(
        msg("ex/1", "soon", 0, { retain: true, expiresAt }),
      );
      await backend.publish(msg("ex/2", "kept", 0, { retain: true }));
      assert.equal((await backend.retained("ex/#")).length, 2);
      clock.advance(5000);
      assert.deepEqual((await backend.retained("ex/#")).map(text), ["kept"]);
    }));

  test("publish() carries v5 properties unchanged", () =>
    withBackend(async ({ backend }) => {
      const s = await connect(backend, "s");
      await s.subscribe("p/#", 1);
      const properties = {
        payloadFormatIndicator: 1 as const,
        contentType: "text/plain",
        responseTopic: "p/reply",
        correlationData: new Uint8Array([1, 2, 255]),
        userProperties: [["k", "1"], ["k", "2"], ["z", ""]] as [
          string,
          string,
        ][],
      };
      await backend.publish(msg("p/1", "x", 1, { properties }));
      const [d] = publishes(await s.sink.next(1));
      assert.deepEqual(d.message.properties, properties);
    }));
}
