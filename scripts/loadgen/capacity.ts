/**
 * Capacity scenarios: many idle connections, many retained messages, and a
 * large offline queue drained on reconnect.
 *
 * @module
 */

import type { LoadClient } from "./client.ts";
import {
  connect,
  cpuExtra,
  delay,
  payload,
  round,
  type ScenarioContext,
  type ScenarioResult,
  until,
} from "./context.ts";
import { createCounters, createWindowedPublisher } from "./drive.ts";
import { rssKiB, startCpuMeter } from "./proc.ts";
import { BATCH } from "./drive.ts";
import { encodePublish, type PublishTemplate } from "./wire.ts";

/** Open `ctx.idleConnections` idle clients; connects/s and RSS per conn. */
export async function idleConnections(
  ctx: ScenarioContext,
  parallel = 64,
): Promise<ScenarioResult> {
  const n = ctx.idleConnections;
  const rss0 = ctx.pid ? rssKiB(ctx.pid) : NaN;
  const clients: LoadClient[] = [];
  let next = 0;
  const t0 = performance.now();
  const worker = async () => {
    while (next < n) {
      const i = next++;
      clients.push(await connect(ctx, `idle${i}`, { timeoutMs: 30_000 }));
    }
  };
  try {
    await Promise.all(Array.from({ length: parallel }, worker));
    const secs = (performance.now() - t0) / 1000;
    await clients[clients.length - 1].ping();
    await delay(1_000); // let the broker settle before reading RSS
    const rss1 = ctx.pid ? rssKiB(ctx.pid) : NaN;
    return {
      scenario: "idle_connections",
      value: Math.round(n / secs),
      unit: "conn/s",
      better: "higher",
      extra: {
        connections: n,
        rss_before_kib: rss0,
        rss_after_kib: rss1,
        rss_per_conn_kib: round((rss1 - rss0) / n),
      },
    };
  } finally {
    for (let i = 0; i < clients.length; i += 500) {
      await Promise.all(clients.slice(i, i + 500).map((c) => c.close()));
    }
  }
}

/** Publish `tpls` at QoS 1 with a window, each once; resolve when acked. */
async function publishAll(
  ctx: ScenarioContext,
  name: string,
  tpls: PublishTemplate[] | PublishTemplate,
  count: number,
): Promise<number> {
  const one = !Array.isArray(tpls);
  if (one) {
    const c = createCounters(0, Infinity);
    const pub = createWindowedPublisher(tpls, ctx.window, c);
    const p = await connect(ctx, name, {
      onPublishDone: pub.done,
      onChunk: pub.wake,
    });
    const t0 = performance.now();
    await pub.run(p, count);
    const secs = (performance.now() - t0) / 1000;
    await p.close();
    return count / secs;
  }
  let inflight = 0;
  let acked = 0;
  const p = await connect(ctx, name, {
    onPublishDone: () => (inflight--, acked++),
  });
  const t0 = performance.now();
  for (let i = 0; i < count;) {
    if (inflight >= ctx.window) {
      await until(() => inflight < ctx.window, 30_000, `${name} acks`);
    }
    const n = Math.min(ctx.window - inflight, BATCH, count - i);
    const parts = tpls.slice(i, i + n);
    const out = new Uint8Array(parts.reduce((s, t) => s + t.bytes.length, 0));
    let at = 0;
    for (const t of parts) {
      out.set(t.bytes, at);
      const id = (i++ % 0xffff) + 1;
      out[at + t.pidOffset] = id >> 8;
      out[at + t.pidOffset + 1] = id & 0xff;
      at += t.bytes.length;
    }
    inflight += n;
    if (!p.write(out)) await p.drained();
  }
  await until(() => acked >= count, 60_000, `${name} acks`);
  const secs = (performance.now() - t0) / 1000;
  await p.close();
  return count / secs;
}

/** Store `ctx.retainedCount` retained messages, then time a `#` subscribe. */
export async function retained(ctx: ScenarioContext): Promise<ScenarioResult> {
  const n = ctx.retainedCount;
  const tpls = Array.from({ length: n }, (_, i) =>
    encodePublish({
      topic: `${ctx.runId}/r/${i}`,
      payload: payload(ctx.payloadSize),
      qos: 1,
      retain: true,
      version: ctx.version,
    }));
  const storeRate = await publishAll(ctx, "rpub", tpls, n);
  let got = 0;
  const sub = await connect(ctx, "rsub", {
    onPublish: (first) => {
      if (first & 1) got++;
    },
  });
  try {
    const t0 = performance.now();
    const cpu = startCpuMeter(ctx.pid);
    await sub.subscribe(["#"], 0);
    await until(() => got >= n, 60_000, () => `${n} retained (got ${got})`);
    const ms = performance.now() - t0;
    const share = cpu.stop();
    return {
      scenario: "retained_then_subscribe",
      value: round(ms),
      unit: "ms",
      better: "lower",
      extra: {
        retained: n,
        received_per_s: round(n / ms * 1000),
        store_per_s: Math.round(storeRate),
        ...cpuExtra(share),
      },
    };
  } finally {
    await sub.close();
  }
}

/** Queue `ctx.queuedCount` QoS 1 messages for an offline session; drain. */
export async function queuedDrain(
  ctx: ScenarioContext,
): Promise<ScenarioResult> {
  const n = ctx.queuedCount;
  const persistent = { clean: false, sessionExpiry: 3600 };
  const filter = `${ctx.runId}/d/#`;
  const first = await connect(ctx, "drain", persistent);
  await first.subscribe([filter], 1);
  await first.close();
  const tpl = encodePublish({
    topic: `${ctx.runId}/d/t`,
    payload: payload(ctx.payloadSize),
    qos: 1,
    version: ctx.version,
  });
  const queueRate = await publishAll(ctx, "dpub", tpl, n);
  let got = 0;
  const t0 = performance.now();
  const cpu = startCpuMeter(ctx.pid);
  const sub = await connect(ctx, "drain", {
    ...persistent,
    onPublish: () => got++,
  });
  try {
    await until(
      () => got >= n,
      60_000,
      () =>
        `${n} queued messages (got ${got}, session present ${sub.sessionPresent})`,
    );
    const ms = performance.now() - t0;
    const share = cpu.stop();
    return {
      scenario: "queued_drain_qos1",
      value: round(ms),
      unit: "ms",
      better: "lower",
      extra: {
        queued: n,
        session_present: sub.sessionPresent,
        drained_per_s: round(n / ms * 1000),
        queue_per_s: Math.round(queueRate),
        ...cpuExtra(share),
      },
    };
  } finally {
    await sub.close();
    // Leave nothing behind on a shared broker: end the session.
    await (await connect(ctx, "drain", { clean: true })).close();
  }
}
