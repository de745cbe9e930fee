import { test } from "node:test";
import assert from "node:assert/strict";
import { createMetrics } from "./metrics.ts";
import {
  createMetricsHandler,
  PROMETHEUS_CONTENT_TYPE,
} from "./metrics_handler.ts";

test("createMetricsHandler() serves GET /metrics", async () => {
  const metrics = createMetrics();
  metrics.inc("jetmq_publish_total", 2);
  const res = createMetricsHandler(metrics)(new Request("http://h/metrics"));
  assert.equal(res.status, 200);
  assert.equal(res.headers.get("content-type"), PROMETHEUS_CONTENT_TYPE);
  assert.equal(
    await res.text(),
    "# TYPE jetmq_publish_total counter\njetmq_publish_total 2\n",
  );
});

test("createMetricsHandler() answers HEAD without a body", async () => {
  const res = createMetricsHandler(createMetrics())(
    new Request("http://h/metrics", { method: "HEAD" }),
  );
  assert.equal(res.status, 200);
  assert.equal(await res.text(), "");
});

test("createMetricsHandler() refuses other paths and methods", async () => {
  const handler = createMetricsHandler(createMetrics(), { path: "/m" });
  const notFound = handler(new Request("http://h/metrics"));
  assert.equal(notFound.status, 404);
  await notFound.body?.cancel();
  const post = handler(
    new Request("http://h/m", { method: "POST", body: "x" }),
  );
  assert.equal(post.status, 405);
  assert.equal(post.headers.get("allow"), "GET, HEAD");
  await post.body?.cancel();
  const ok = handler(new Request("http://h/m?x=1"));
  assert.equal(ok.status, 200);
  await ok.body?.cancel();
});
