// deno-lint-ignore-file no-console
/**
 * What a bare nats.js client reaches doing only the NATS side of jetmq's
 * QoS 1 work (ADR 0007), against a fresh nats-server with JetStream: no
 * MQTT, no jetmq code. It bounds what jetmq-on-NATS can reach on the same
 * machine and server, next to nats-server's own MQTT listener
 * (`scripts/bench_compare.ts --nats`).
 *
 *   deno run -A scripts/bench_nats_bound.ts [--window 64] [--seconds 3]
 *     [--queued 20000] [--max-ack-pending 1024]
 *
 * - `stream`: per message a core publish with `Nmqtt-Pub: 1` (with a core
 *   subscriber, as jetmq's interest), a JetStream publish to
 *   `$MQTT.msgs.<subject>` (at most `window` store acks outstanding, as the
 *   loadgen's 64 QoS 1 publishes in flight), and the delivery through a
 *   durable ack-all push consumer acked once per tick. A message is done
 *   when its store ack and its consumer delivery both arrived.
 * - `drain`: `queued` messages stored while the consumer has no interest,
 *   then the time until the consumer delivered them all (acked once per
 *   tick), as a reconnecting subscriber.
 *
 * @module
 */

import { parseArgs } from "node:util";
import process from "node:process";
import { connect, headers, type NatsConnection } from "@nats-io/transport-node";
import {
  AckPolicy,
  jetstreamManager,
  RetentionPolicy,
  StorageType,
} from "@nats-io/jetstream";
import { startNatsServer } from "../tests/helpers/nats_server.ts";

const { values } = parseArgs({
  args: process.argv.slice(2),
  options: {
    window: { type: "string", default: "64" },
    seconds: { type: "string", default: "3" },
    queued: { type: "string", default: "20000" },
    "max-ack-pending": { type: "string", default: "1024" },
  },
});
const WINDOW = Number(values.window);
const SECONDS = Number(values.seconds);
const QUEUED = Number(values.queued);
const MAX_ACK_PENDING = Number(values["max-ack-pending"]);
const payload = new Uint8Array(64);

async function setup(nc: NatsConnection, deliver: string): Promise<void> {
  const jsm = await jetstreamManager(nc);
  await jsm.streams.add({
    name: "$MQTT_msgs",
    subjects: ["$MQTT.msgs.>"],
    retention: RetentionPolicy.Interest,
    storage: StorageType.File,
  });
  await jsm.consumers.add("$MQTT_msgs", {
    durable_name: "bound",
    deliver_subject: deliver,
    ack_policy: AckPolicy.All,
    max_ack_pending: MAX_ACK_PENDING,
    ack_wait: 30e9,
    filter_subject: "$MQTT.msgs.bench.>",
  });
}

/** Subscribe `deliver`, count deliveries, ack the newest once per tick. */
function consume(
  nc: NatsConnection,
  deliver: string,
  onMsg: () => void,
): void {
  let last = "";
  let due = false;
  nc.subscribe(deliver, {
    callback: (_e, m) => {
      last = m.reply!;
      onMsg();
      if (due) return;
      due = true;
      queueMicrotask(() => {
        due = false;
        if (!nc.isClosed()) nc.publish(last);
      });
    },
  });
}

async function stream(url: string): Promise<number> {
  const nc = await connect({ servers: url });
  try {
    await setup(nc, "bound.stream");
    nc.subscribe("bench.t", { callback: () => {} }); // jetmq's core interest
    const h = headers();
    h.set("Nmqtt-Pub", "1");
    let delivered = 0;
    let stored = 0;
    let wake: () => void = () => {};
    consume(nc, "bound.stream", () => {
      delivered++;
      wake();
    });
    const end = performance.now() + SECONDS * 1000;
    let sent = 0;
    let t0 = 0;
    let d0 = 0;
    while (performance.now() < end) {
      while (sent - Math.min(stored, delivered) < WINDOW) {
        nc.publish("bench.t", payload, { headers: h });
        sent++;
        void nc.request("$MQTT.msgs.bench.t", payload, {
          headers: h,
          timeout: 30_000,
        }).then(() => {
          stored++;
          wake();
        }, () => {/* closed at the end of the run */});
      }
      await new Promise<void>((r) => (wake = r));
      if (t0 === 0 && delivered > 1000) {
        t0 = performance.now();
        d0 = delivered;
      }
    }
    return (delivered - d0) / ((performance.now() - t0) / 1000);
  } finally {
    await nc.close();
  }
}

async function drain(url: string): Promise<number> {
  const nc = await connect({ servers: url });
  try {
    await setup(nc, "bound.drain");
    const pending: Promise<unknown>[] = [];
    for (let i = 0; i < QUEUED; i++) {
      pending.push(nc.request("$MQTT.msgs.bench.d", payload, {
        timeout: 30_000,
      }));
      if (pending.length >= WINDOW) {
        await Promise.all(pending);
        pending.length = 0;
      }
    }
    await Promise.all(pending);
    const t0 = performance.now();
    let n = 0;
    await new Promise<void>((resolve) => {
      consume(nc, "bound.drain", () => {
        if (++n === QUEUED) resolve();
      });
    });
    return performance.now() - t0;
  } finally {
    await nc.close();
  }
}

for (const [name, run] of [["stream", stream], ["drain", drain]] as const) {
  const server = await startNatsServer();
  try {
    const value = await run(server.url);
    console.log(JSON.stringify({
      scenario: name,
      value: Math.round(value * 10) / 10,
      unit: name === "stream" ? "msg/s" : "ms",
      window: WINDOW,
      max_ack_pending: MAX_ACK_PENDING,
      ...(name === "drain" ? { queued: QUEUED } : {}),
    }));
  } finally {
    await server.stop();
  }
}
