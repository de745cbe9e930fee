/**
 * What every scenario receives and returns.
 *
 * @module
 */

import {
  type ClientOptions,
  connectClient,
  type LoadClient,
} from "./client.ts";
import type { CpuShares } from "./proc.ts";
import type { Version } from "./wire.ts";

/** Settings of one scenario run. */
export interface ScenarioContext {
  host: string;
  port: number;
  version: Version;
  /** Measured interval of throughput scenarios. */
  durationMs: number;
  warmupMs: number;
  payloadSize: number;
  /** Broker pid, for CPU and RSS figures (optional). */
  pid?: number;
  /** Prefix of client ids and topics, unique per run. */
  runId: string;
  /** QoS 1/2 messages in flight per publisher. */
  window: number;
  latencyRate: number;
  idleConnections: number;
  retainedCount: number;
  queuedCount: number;
}

/** One measured figure, plus details. */
export interface ScenarioResult {
  scenario: string;
  value: number;
  unit: string;
  better: "higher" | "lower";
  /** Secondary figures (p50, loss, CPU shares, …). */
  extra: Record<string, number | string | boolean>;
}

/** Connect a client of this context. */
export function connect(
  ctx: ScenarioContext,
  name: string,
  o: Partial<ClientOptions> = {},
): Promise<LoadClient> {
  return connectClient({
    host: ctx.host,
    port: ctx.port,
    version: ctx.version,
    clientId: `${ctx.runId}-${name}`,
    clean: true,
    keepAlive: 0,
    ...o,
  });
}

/** Payload of `size` bytes (at least 8: room for a send timestamp). */
export function payload(size: number): Uint8Array {
  const p = new Uint8Array(Math.max(size, 8));
  for (let i = 0; i < p.length; i++) p[i] = 0x61 + (i % 26);
  return p;
}

/** Resolve after `ms`. */
export function delay(ms: number): Promise<void> {
  return new Promise((res) => setTimeout(res, ms));
}

/** Poll `cond` every few ms until true or the deadline (then throw). */
export async function until(
  cond: () => boolean,
  timeoutMs: number,
  what: string | (() => string),
): Promise<void> {
  const end = performance.now() + timeoutMs;
  while (!cond()) {
    if (performance.now() > end) {
      throw new Error(`Timed out: ${typeof what === "string" ? what : what()}`);
    }
    await delay(2);
  }
}

/** Round to 3 significant digits for printing. */
export function round(n: number): number {
  if (!Number.isFinite(n) || n === 0) return n;
  const d = Math.max(0, 2 - Math.floor(Math.log10(Math.abs(n))));
  return Number(n.toFixed(d));
}

/** CPU shares of a timed phase, in cores, for a result's `extra`. */
export function cpuExtra(share: CpuShares): Record<string, number> {
  return {
    cpu_loadgen: round(share.self),
    cpu_broker: round(share.broker),
    cpu_other: round(share.other),
  };
}
