/**
 * Throughput and latency scenarios: QoS 0 fan-in and fan-out, QoS 1 and
 * QoS 2 streams, and latency percentiles at a fixed rate.
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
} from "./context.ts";
import {
  type Counters,
  createCounters,
  createWindowedPublisher,
  runQos0,
} from "./drive.ts";
import { type CpuShares, startCpuMeter } from "./proc.ts";
import { encodePublish, publishPayloadStart } from "./wire.ts";

/** Received copies allowed in flight before publishers wait. */
const BACKLOG = 16_384;

async function subscribers(
  ctx: ScenarioContext,
  n: number,
  filter: string,
  qos: 0 | 1 | 2,
  c: Counters,
): Promise<LoadClient[]> {
  const subs: LoadClient[] = [];
  for (let i = 0; i < n; i++) {
    const s = await connect(ctx, `sub${i}`, {
      onPublish: () => c.received++,
      onChunk: () => c.wake(),
    });
    const granted = await s.subscribe([filter], qos);
    if (!(granted[0] < 0x80)) {
      throw new Error(`Cannot subscribe ${filter}: SUBACK ${granted[0]}`);
    }
    subs.push(s);
  }
  return subs;
}

/** Warm up, then measure received copies per second over the duration. */
async function measure(
  ctx: ScenarioContext,
  name: string,
  c: Counters,
  extra: Record<string, number | string | boolean> = {},
): Promise<ScenarioResult> {
  await delay(ctx.warmupMs);
  const r0 = c.received;
  const s0 = c.sent;
  const l0 = c.lost;
  const t0 = performance.now();
  const cpu = startCpuMeter(ctx.pid);
  await delay(ctx.durationMs);
  const secs = (performance.now() - t0) / 1000;
  const share = cpu.stop();
  const received = c.received - r0;
  c.stopped = true;
  c.wake();
  if (received === 0) throw new Error(`No messages received in ${name}`);
  return {
    scenario: name,
    value: Math.round(received / secs),
    unit: "msg/s",
    better: "higher",
    extra: {
      ...extra,
      published_per_s: Math.round((c.sent - s0) / secs),
      lost_copies: c.lost - l0,
      ...cpuExtra(share),
      // Messages per broker CPU-second: steadier than msg/s on a busy box.
      per_broker_core: Math.round(received / secs / share.broker),
    },
  };
}

async function closeAll(clients: LoadClient[]): Promise<void> {
  await Promise.all(clients.map((x) => x.close()));
}

/** QoS 0, several publishers (one topic each) → one `+` subscriber. */
export async function fanIn(
  ctx: ScenarioContext,
  publishers = 4,
): Promise<ScenarioResult> {
  const c = createCounters(1, BACKLOG);
  const subs = await subscribers(ctx, 1, `${ctx.runId}/in/+`, 0, c);
  const pubs: LoadClient[] = [];
  const runs: Promise<void>[] = [];
  for (let i = 0; i < publishers; i++) {
    const p = await connect(ctx, `pub${i}`);
    pubs.push(p);
    const tpl = encodePublish({
      topic: `${ctx.runId}/in/${i}`,
      payload: payload(ctx.payloadSize),
      qos: 0,
      version: ctx.version,
    });
    runs.push(runQos0(p, tpl, c));
  }
  const r = await measure(ctx, "fan_in_qos0", c, { publishers });
  await Promise.all(runs);
  await closeAll([...pubs, ...subs]);
  return r;
}

/** QoS 0, one publisher → `n` subscribers of its topic (copies/s). */
export async function fanOut(
  ctx: ScenarioContext,
  n = 32,
): Promise<ScenarioResult> {
  const c = createCounters(n, BACKLOG * 2);
  const subs = await subscribers(ctx, n, `${ctx.runId}/out/t`, 0, c);
  const p = await connect(ctx, "pub");
  const tpl = encodePublish({
    topic: `${ctx.runId}/out/t`,
    payload: payload(ctx.payloadSize),
    qos: 0,
    version: ctx.version,
  });
  const run = runQos0(p, tpl, c);
  const r = await measure(ctx, "fan_out_qos0", c, { subscribers: n });
  await run;
  await closeAll([p, ...subs]);
  return r;
}

/** QoS 1 or 2, one publisher with `ctx.window` in flight → one subscriber. */
export async function qosStream(
  ctx: ScenarioContext,
  qos: 1 | 2,
): Promise<ScenarioResult> {
  const c = createCounters(1, BACKLOG);
  const subs = await subscribers(ctx, 1, `${ctx.runId}/q/t`, qos, c);
  const tpl = encodePublish({
    topic: `${ctx.runId}/q/t`,
    payload: payload(ctx.payloadSize),
    qos,
    version: ctx.version,
  });
  const pub = createWindowedPublisher(tpl, ctx.window, c);
  const p = await connect(ctx, "pub", {
    onPublishDone: pub.done,
    onChunk: pub.wake,
  });
  const run = pub.run(p);
  const r = await measure(ctx, `qos${qos}_stream`, c, {
    window: ctx.window,
  });
  await run;
  await closeAll([p, ...subs]);
  return r;
}

/** Publish at `ctx.latencyRate` msg/s; percentiles of publish → receive. */
export async function latency(
  ctx: ScenarioContext,
  qos: 0 | 1,
): Promise<ScenarioResult> {
  const samples: number[] = [];
  let measuring = false;
  const v = ctx.version;
  const sub = await connect(ctx, "sub", {
    onPublish: (first, buf, start) => {
      if (!measuring) return;
      const at = publishPayloadStart(first, buf, start, v);
      const view = new DataView(buf.buffer, buf.byteOffset + at, 8);
      samples.push(performance.now() - view.getFloat64(0, true));
    },
  });
  await sub.subscribe([`${ctx.runId}/lat/t`], qos);
  const tpl = encodePublish({
    topic: `${ctx.runId}/lat/t`,
    payload: payload(ctx.payloadSize),
    qos,
    version: v,
  });
  const pub = await connect(ctx, "pub", { onPublishDone: () => {} });
  const cpu = await pace(ctx, tpl, pub, () => (measuring = true));
  measuring = false;
  await closeAll([pub, sub]);
  samples.sort((a, b) => a - b);
  const pct = (p: number) => samples[Math.floor((samples.length - 1) * p)];
  return {
    scenario: `latency_qos${qos}`,
    value: round(pct(0.99)),
    unit: "ms p99",
    better: "lower",
    extra: {
      p50_ms: round(pct(0.5)),
      p999_ms: round(pct(0.999)),
      max_ms: round(samples[samples.length - 1]),
      samples: samples.length,
      rate: ctx.latencyRate,
      ...cpuExtra(cpu),
    },
  };
}

/** Send each message as its own write, stamped, on schedule. */
async function pace(
  ctx: ScenarioContext,
  tpl: ReturnType<typeof encodePublish>,
  pub: LoadClient,
  startMeasuring: () => void,
): Promise<CpuShares> {
  const total = ctx.latencyRate * (ctx.warmupMs + ctx.durationMs) / 1000;
  const warm = ctx.latencyRate * ctx.warmupMs / 1000;
  const t0 = performance.now();
  let sent = 0;
  let pid = 0;
  let cpu = startCpuMeter(ctx.pid);
  while (sent < total) {
    const due = Math.min(
      total,
      Math.floor((performance.now() - t0) * ctx.latencyRate / 1000),
    );
    for (; sent < due; sent++) {
      if (sent === Math.floor(warm)) {
        startMeasuring();
        cpu = startCpuMeter(ctx.pid);
      }
      const b = tpl.bytes.slice();
      if (tpl.pidOffset >= 0) {
        pid = pid >= 0xffff ? 1 : pid + 1;
        b[tpl.pidOffset] = pid >> 8;
        b[tpl.pidOffset + 1] = pid & 0xff;
      }
      new DataView(b.buffer, tpl.payloadOffset, 8)
        .setFloat64(0, performance.now(), true);
      pub.write(b);
    }
    await delay(1);
  }
  const share = cpu.stop();
  await delay(200); // let the last messages arrive
  return share;
}
