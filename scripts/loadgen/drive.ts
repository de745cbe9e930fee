/**
 * Publishing policies: a windowed QoS 1/2 publisher, a QoS 0 publisher, and
 * the closed-loop gate that keeps every scenario at a bounded backlog
 * (messages sent but not yet received), so a broker is measured at the rate
 * it sustains rather than at the rate it buffers.
 *
 * @module
 */

import type { LoadClient } from "./client.ts";
import type { PublishTemplate } from "./wire.ts";

/** Messages per write: many packets per syscall. */
export const BATCH = 64;

/** Shared counters of one scenario. */
export interface Counters {
  sent: number;
  received: number;
  /** Each message is expected this many times (the fan-out). */
  copies: number;
  /** Received copies that may still be outstanding before senders wait. */
  backlog: number;
  /** Copies given up as lost (QoS 0 may drop). */
  lost: number;
  stopped: boolean;
  /** Wake waiting senders (call after `received` grows). */
  wake(): void;
  /** Resolves when the backlog has room or the run stopped. */
  room(): Promise<void>;
}

/** Counters with a backlog bound; a stall of `stallMs` counts as loss. */
export function createCounters(
  copies: number,
  backlog: number,
  stallMs = 1_000,
): Counters {
  let waiters: Array<() => void> = [];
  let lastProgress = performance.now();
  const c: Counters = {
    sent: 0,
    received: 0,
    copies,
    backlog,
    lost: 0,
    stopped: false,
    wake() {
      lastProgress = performance.now();
      if (waiters.length === 0) return;
      if (c.sent * copies - c.received - c.lost >= backlog) return;
      const w = waiters;
      waiters = [];
      for (const f of w) f();
    },
    room() {
      if (c.stopped) return Promise.resolve();
      if (c.sent * copies - c.received - c.lost < backlog) {
        return Promise.resolve();
      }
      return new Promise((res) => {
        waiters.push(res);
        const t = setTimeout(() => {
          // No progress for stallMs: the broker dropped what is outstanding.
          if (performance.now() - lastProgress >= stallMs) {
            c.lost = c.sent * copies - c.received;
          }
          c.wake();
          res();
        }, stallMs);
        waiters.push(() => clearTimeout(t));
      });
    },
  };
  return c;
}

function copyBatch(
  tpl: PublishTemplate,
  n: number,
  nextId: () => number,
): Uint8Array {
  const size = tpl.bytes.length;
  const out = new Uint8Array(size * n);
  for (let k = 0; k < n; k++) {
    const at = k * size;
    out.set(tpl.bytes, at);
    if (tpl.pidOffset >= 0) {
      const id = nextId();
      out[at + tpl.pidOffset] = id >> 8;
      out[at + tpl.pidOffset + 1] = id & 0xff;
    }
  }
  return out;
}

/** A publisher that keeps `window` QoS 1/2 messages in flight. */
export interface WindowedPublisher {
  /** Wire to the client's `onPublishDone`. */
  done(packetId: number): void;
  /** Wire to the client's `onChunk`: refill once per chunk of acks. */
  wake(): void;
  /** Publish until `count` messages are acknowledged or counters stop. */
  run(client: LoadClient, count?: number): Promise<void>;
  readonly acked: number;
}

/** Create a windowed publisher of `tpl` (qos > 0) sharing `c`. */
export function createWindowedPublisher(
  tpl: PublishTemplate,
  window: number,
  c: Counters,
): WindowedPublisher {
  let inflight = 0;
  let acked = 0;
  let pid = 0;
  let wakeup: (() => void) | null = null;
  const nextId = () => (pid = pid >= 0xffff ? 1 : pid + 1);
  return {
    get acked() {
      return acked;
    },
    done() {
      inflight--;
      acked++;
    },
    wake() {
      const w = wakeup;
      wakeup = null;
      w?.();
    },
    async run(client, count = Infinity) {
      let issued = 0;
      while (!c.stopped && acked < count) {
        const n = Math.min(window - inflight, BATCH, count - issued);
        if (n <= 0) {
          // Woken by an ack; the timeout lets a stalled run see `stopped`.
          await new Promise<void>((res) => {
            const t = setTimeout(res, 500);
            wakeup = () => {
              clearTimeout(t);
              res();
            };
          });
          continue;
        }
        await c.room();
        if (c.stopped) break;
        inflight += n;
        issued += n;
        c.sent += n;
        if (!client.write(copyBatch(tpl, n, nextId))) await client.drained();
      }
    },
  };
}

/** Publish QoS 0 `tpl` in batches until counters stop or `count` sent. */
export async function runQos0(
  client: LoadClient,
  tpl: PublishTemplate,
  c: Counters,
  count = Infinity,
): Promise<void> {
  const batch = copyBatch(tpl, BATCH, () => 0);
  let sent = 0;
  while (!c.stopped && sent < count) {
    await c.room();
    if (c.stopped) break;
    const n = Math.min(BATCH, count - sent);
    c.sent += n;
    sent += n;
    const bytes = n === BATCH ? batch : batch.subarray(0, n * tpl.bytes.length);
    if (!client.write(bytes)) await client.drained();
  }
}
