/**
 * Backend contract, part 4: the server-wide bounds (`limits.maxRetained`,
 * `limits.maxRetainedBytes`, `limits.maxSessions`), refused with
 * `QuotaExceededError` (0x97) and nothing done.
 *
 * @module
 */

import { test } from "node:test";
import assert from "node:assert/strict";
import type { WithBackend } from "../backend_contract.ts";
import { QuotaExceededError } from "../../src/backend/types.ts";
import { connect, msg, text } from "../helpers/backend_harness.ts";

const refused = (limit: string) => (err: unknown) =>
  err instanceof QuotaExceededError && err.limit === limit &&
  err.reasonCode === 0x97;

const retained = (topic: string, payload: string) =>
  msg(topic, payload, 1, { retain: true });

/** Registers the quota tests. */
export function quotaContract(withBackend: WithBackend): void {
  test("publish() refuses a new retained topic beyond maxRetained as a whole", () =>
    withBackend(async (t) => {
      const sub = await connect(t.backend, "sub", { expiry: 0 });
      await sub.subscribe("q/#", 0);
      await t.backend.publish(retained("q/a", "a"));
      await t.backend.publish(retained("q/b", "b"));
      await assert.rejects(
        t.backend.publish(retained("q/c", "c")),
        refused("maxRetained"),
      );
      // Replacing and deleting existing topics always works.
      await t.backend.publish(retained("q/a", "a2"));
      await t.backend.publish(retained("q/b", ""));
      await t.backend.publish(msg("q/end", "end", 0));
      // The refused message was not routed either.
      assert.deepEqual(
        (await sub.sink.next(4)).map(text),
        [
          "a",
          "b",
          "a2",
          "",
        ],
      );
      assert.deepEqual((await sub.sink.next(1)).map(text), ["end"]);
      await t.backend.publish(retained("q/c", "c"));
      const kept = await t.backend.retained("q/#");
      assert.deepEqual(kept.map((m) => m.topic).sort(), ["q/a", "q/c"]);
      if (t.restart) {
        await sub.session.detach(0);
        const backend = await t.restart();
        await assert.rejects(
          backend.publish(retained("q/d", "d")),
          refused("maxRetained"),
        );
      }
    }, { maxRetained: 2 }));

  test("publish() refuses retained bytes beyond maxRetainedBytes; shrinking works", () =>
    withBackend(async ({ backend }) => {
      await backend.publish(retained("b/a", "123456"));
      await assert.rejects(
        backend.publish(retained("b/b", "12345")),
        refused("maxRetainedBytes"),
      );
      await backend.publish(retained("b/b", "1234"));
      await assert.rejects(
        backend.publish(retained("b/a", "1234567")),
        refused("maxRetainedBytes"),
      );
      await backend.publish(retained("b/a", "1"));
      await backend.publish(retained("b/c", "12345"));
      // Not retained: no bound applies.
      await backend.publish(msg("b/d", "123456789012345"));
      const kept = await backend.retained("b/#");
      assert.deepEqual(kept.map(text).sort(), ["1", "1234", "12345"]);
    }, { maxRetainedBytes: 10 }));

  test("receiveQoS2() refused by maxRetained leaves the packet id free", () =>
    withBackend(async ({ backend }) => {
      const pub = await connect(backend, "pub", { expiry: 0 });
      await backend.publish(retained("r/a", "a"));
      await assert.rejects(
        pub.session.receiveQoS2(7, { ...retained("r/b", "b"), qos: 2 }),
        refused("maxRetained"),
      );
      // Not a duplicate: the refused exchange ended [MQTT-4.3.3].
      assert.notEqual(
        await pub.session.receiveQoS2(7, msg("r/b", "b", 2)),
        false,
      );
      assert.equal(await pub.session.releaseQoS2(7), true);
      assert.equal((await backend.retained("r/#")).length, 1);
    }, { maxRetained: 1 }));

  test("openSession() refuses a new persistent session beyond maxSessions only", () =>
    withBackend(async ({ backend }) => {
      const a = await connect(backend, "a");
      await connect(backend, "b");
      await assert.rejects(connect(backend, "c"), refused("maxSessions"));
      // Expiry 0 sessions are never stored, so never refused.
      const c0 = await connect(backend, "c", { expiry: 0 });
      await c0.session.detach(0);
      // Resuming, or starting clean over, a stored session is not new.
      await a.session.detach(3600);
      const again = await connect(backend, "a");
      assert.equal(again.session.present, true);
      const clean = await connect(backend, "a", { clean: true });
      assert.equal(clean.session.present, false);
      // Once one is removed, a new one fits.
      await clean.session.detach(0);
      const c = await connect(backend, "c");
      assert.equal(c.session.present, false);
    }, { maxSessions: 2 }));
}
