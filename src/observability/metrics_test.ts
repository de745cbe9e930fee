import { test } from "node:test";
import assert from "node:assert/strict";
import { createMetrics } from "./metrics.ts";

test("createMetrics() counts and sets", () => {
  const m = createMetrics();
  m.inc("jetmq_publish_total");
  m.inc("jetmq_publish_total", 4);
  m.set("jetmq_connections", 7);
  m.set("jetmq_connections", 6);
  assert.equal(m.get("jetmq_publish_total"), 5);
  assert.equal(m.get("jetmq_connections"), 6);
  assert.equal(m.get("jetmq_unknown"), undefined);
});

test("createMetrics() renders Prometheus text grouped by family", () => {
  const m = createMetrics();
  m.describe("jetmq_dropped_total", "Messages dropped\nby reason");
  m.inc('jetmq_dropped_total{reason="overflow"}', 2);
  m.set("jetmq_connections", 3);
  m.inc('jetmq_dropped_total{reason="expired"}');
  assert.equal(
    m.render(),
    [
      "# TYPE jetmq_connections gauge",
      "jetmq_connections 3",
      "# HELP jetmq_dropped_total Messages dropped\\nby reason",
      "# TYPE jetmq_dropped_total counter",
      'jetmq_dropped_total{reason="overflow"} 2',
      'jetmq_dropped_total{reason="expired"} 1',
      "",
    ].join("\n"),
  );
});

test("createMetrics() collect() reads gauges at render time", () => {
  const m = createMetrics();
  let depth = 1;
  m.collect("jetmq_queue_depth", () => depth);
  assert.match(m.render(), /^jetmq_queue_depth 1$/m);
  depth = 9;
  assert.match(m.render(), /^jetmq_queue_depth 9$/m);
  assert.equal(m.get("jetmq_queue_depth"), 9);
});

test("createMetrics() formats special values", () => {
  const m = createMetrics();
  m.set("a", NaN);
  m.set("b", Infinity);
  m.set("c", -Infinity);
  assert.equal(
    m.render(),
    "# TYPE a gauge\na NaN\n# TYPE b gauge\nb +Inf\n# TYPE c gauge\nc -Inf\n",
  );
});

test("createMetrics() refuses bad names and mixed types", () => {
  const m = createMetrics();
  for (const name of ["", "1abc", "a-b", "a{b}", 'a{b="c"', "a b"]) {
    assert.throws(() => m.inc(name), TypeError, name);
  }
  m.inc("jetmq_x_total");
  assert.throws(() => m.set("jetmq_x_total", 1), TypeError);
  assert.throws(() => m.set('jetmq_x_total{a="b"}', 1), TypeError);
  assert.equal(m.render(), "# TYPE jetmq_x_total counter\njetmq_x_total 1\n");
});
