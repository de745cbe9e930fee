// deno-lint-ignore-file no-console
/**
 * Embedded backend throughput, for Deno and Bun:
 *
 *     deno run -A scripts/bench_backend.ts [--messages 200000] [--inflight 64] [--size 64]
 *     bun scripts/bench_backend.ts
 *
 * One publisher → one persistent subscriber (session expiry 1 h, window 64),
 * QoS 1, `--size`-byte payloads (64), a SQLite file in a temporary directory. The
 * publisher keeps `--inflight` publishes outstanding, as a router does with
 * a client's Receive Maximum; a publish counts once its promise resolved
 * (copy committed). The subscriber acknowledges every delivery a microtask
 * later. Also runs the same with a clean (expiry 0) subscriber, and with one
 * publish at a time (`await` each), to show the cost of the commit per turn.
 *
 * @module
 */

import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createEmbeddedBackend } from "../src/backend/embedded/mod.ts";
import type { Delivery, Message } from "../src/backend/types.ts";
import { nullLogger, nullMetrics } from "../src/observability/types.ts";

const args = globalThis.process?.argv ?? [];
const arg = (name: string, fallback: number): number => {
  const i = args.indexOf(name);
  return i >= 0 ? Number(args[i + 1]) : fallback;
};
const MESSAGES = arg("--messages", 200_000);
const INFLIGHT = arg("--inflight", 64);
const SIZE = arg("--size", 64);
const runtime = "Bun" in globalThis ? "bun" : "deno";

async function run(
  label: string,
  expiry: number,
  inflight: number,
  count: number,
) {
  const dir = mkdtempSync(join(tmpdir(), "jetmq-bench-"));
  const backend = await createEmbeddedBackend({
    dir,
    logger: nullLogger,
    metrics: nullMetrics,
    maxQueuedMessages: 1_000_000,
    maxQueuedBytes: 1 << 30,
  });
  try {
    let delivered = 0;
    let allDelivered!: () => void;
    const done = new Promise<void>((r) => (allDelivered = r));
    const session = await backend.openSession({
      clientId: "sub",
      clean: true,
      expiry,
      window: 64,
      onTakeover() {},
      sink: {
        deliver(ds: Delivery[]) {
          for (const d of ds) {
            if (d.kind !== "publish") continue;
            const id = d.packetId!;
            queueMicrotask(() => void session.ack(id));
            if (++delivered === count) allDelivered();
          }
        },
      },
    });
    await session.subscribe([{
      filter: "bench/+",
      qos: 1,
      noLocal: false,
      retainAsPublished: false,
      retainHandling: 0,
    }]);
    session.resume();
    const payload = new Uint8Array(SIZE);
    const message: Message = {
      topic: "bench/x",
      payload,
      qos: 1,
      retain: false,
    };
    const start = performance.now();
    let sent = 0;
    let outstanding = 0;
    await new Promise<void>((resolve, reject) => {
      const more = (): void => {
        while (outstanding < inflight && sent < count) {
          sent++;
          outstanding++;
          backend.publish(message).then(() => {
            outstanding--;
            if (sent === count && outstanding === 0) resolve();
            else more();
          }, reject);
        }
      };
      more();
    });
    const published = performance.now() - start;
    await done;
    const total = performance.now() - start;
    const rate = (n: number, ms: number) => Math.round(n / (ms / 1000));
    console.log(
      `${runtime} ${label}: ${count} msgs, published ${
        rate(count, published)
      } msg/s, ` +
        `delivered+acked ${rate(count, total)} msg/s`,
    );
  } finally {
    await backend.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

await run(`QoS 1 persistent, ${INFLIGHT} in flight`, 3600, INFLIGHT, MESSAGES);
await run(`QoS 1 clean session, ${INFLIGHT} in flight`, 0, INFLIGHT, MESSAGES);
await run("QoS 1 persistent, 1 in flight", 3600, 1, Math.min(MESSAGES, 20_000));
