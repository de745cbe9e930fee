import { test } from "node:test";
import assert from "node:assert/strict";
import type { Logger } from "../observability/types.ts";
import { createRetainedQuota } from "./retained_quota.ts";
import { type Message, QuotaExceededError } from "./types.ts";

function setup(maxRetained: number, maxRetainedBytes: number) {
  const counts = new Map<string, number>();
  const warnings: string[] = [];
  const logger: Logger = {
    debug() {},
    info() {},
    warn: (m) => void warnings.push(m),
    error() {},
  };
  const quota = createRetainedQuota({
    maxRetained,
    maxRetainedBytes,
    logger,
    metrics: {
      inc: (name, by = 1) =>
        void counts.set(name, (counts.get(name) ?? 0) + by),
      set() {},
    },
    now: () => 0,
  });
  return { quota, counts, warnings };
}

const m = (topic: string, size: number): Message => ({
  topic,
  payload: new Uint8Array(size),
  qos: 1,
  retain: true,
});

const refusedFor = (limit: string) => (err: unknown) =>
  err instanceof QuotaExceededError && err.limit === limit &&
  err.reasonCode === 0x97;

test("createRetainedQuota() refuses a new topic beyond maxRetained, not a replacement", () => {
  const { quota, counts, warnings } = setup(2, 0);
  quota.update(undefined, 1);
  quota.update(undefined, 1);
  assert.throws(
    () => quota.check(m("c", 1), undefined),
    refusedFor("maxRetained"),
  );
  assert.throws(
    () => quota.check(m("d", 1), undefined),
    refusedFor("maxRetained"),
  );
  quota.check(m("a", 100), 1);
  quota.check(m("c", 0), undefined);
  assert.equal(counts.get("jetmq_retained_refused_total"), 2);
  assert.equal(warnings.length, 1, "rate-limited");
  quota.update(1, undefined);
  quota.check(m("c", 1), undefined);
  assert.equal(quota.count, 1);
});

test("createRetainedQuota() refuses growth beyond maxRetainedBytes, allows shrinking", () => {
  const { quota } = setup(0, 10);
  quota.check(m("a", 8), undefined);
  quota.update(undefined, 8);
  assert.throws(
    () => quota.check(m("b", 3), undefined),
    refusedFor("maxRetainedBytes"),
  );
  quota.check(m("b", 2), undefined);
  quota.check(m("a", 10), 8);
  assert.throws(
    () => quota.check(m("a", 11), 8),
    refusedFor("maxRetainedBytes"),
  );
  quota.update(8, 4);
  assert.equal(quota.bytes, 4);
  quota.update(undefined, 20); // counted even when over (e.g. another instance)
  quota.check(m("a", 1), 4);
  quota.check(m("a", 0), 4);
});
