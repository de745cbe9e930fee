import { test } from "node:test";
import assert from "node:assert/strict";
import { ALLOW_ALL } from "../auth/permissions.ts";
import type { Delivery } from "../backend/types.ts";
import { type Packet, PacketType } from "../codec/mod.ts";
import { nullLogger, nullMetrics } from "../observability/types.ts";
import { createDeliverySink } from "./outbound.ts";
import type { ConnectionState } from "./state.ts";

/** A connection whose client reads only when `drain()` is called. */
function stalledConnection(maxWriteBuffer: number) {
  const written: Packet[] = [];
  let buffered = 0;
  let wake: (() => void) | undefined;
  let waiting: [number, () => void] | undefined;
  const st = {
    version: 4,
    limits: { maxWriteBuffer },
    logger: nullLogger,
    metrics: nullMetrics,
    now: () => 0,
    phase: {
      name: "connected",
      clientId: "c",
      session: { ack() {} },
      permissions: ALLOW_ALL,
    },
    out: {
      write(p: Packet) {
        written.push(p);
        buffered += 100;
        if (waiting && written.length >= waiting[0]) waiting[1]();
        return true;
      },
      get buffered() {
        return buffered;
      },
      ready: () =>
        buffered <= maxWriteBuffer
          ? Promise.resolve()
          : new Promise<void>((r) => wake = r),
    },
  } as unknown as ConnectionState;
  return {
    st,
    written,
    drain() {
      buffered = 0;
      wake?.();
    },
    /** Resolves once `n` packets were written. */
    until(n: number): Promise<void> {
      if (written.length >= n) return Promise.resolve();
      return new Promise((r) => waiting = [n, r]);
    },
  };
}

function qos1(n: number): Delivery {
  return {
    kind: "publish",
    message: {
      topic: "t",
      payload: new TextEncoder().encode(String(n)),
      qos: 1,
      retain: false,
    },
    qos: 1,
    packetId: n,
    dup: false,
    retain: false,
  };
}

test("createDeliverySink holds QoS 1 deliveries while the client does not read, then sends them in order", async () => {
  const c = stalledConnection(250);
  const sink = createDeliverySink(c.st);
  sink.deliver([1, 2, 3, 4, 5, 6].map(qos1));
  // 100 bytes each: the third goes over 250, the rest wait unencoded.
  assert.deepEqual(c.written.map((p) => "packetId" in p && p.packetId), [
    1,
    2,
    3,
  ]);
  sink.deliver([{ kind: "pubrel", packetId: 7 }]);
  assert.equal(c.written.length, 3, "later deliveries queue behind");
  c.drain();
  await c.until(6);
  assert.deepEqual(c.written.map((p) => "packetId" in p && p.packetId), [
    1,
    2,
    3,
    4,
    5,
    6,
  ]);
  c.drain();
  await c.until(7);
  assert.equal(c.written[6].type, PacketType.PUBREL);
});

test("createDeliverySink forgets held deliveries once the connection closes (the backend redelivers)", async () => {
  const c = stalledConnection(0);
  const sink = createDeliverySink(c.st);
  sink.deliver([1, 2, 3].map(qos1));
  assert.equal(c.written.length, 1);
  c.st.phase = { name: "closing", was: "connected" };
  c.drain();
  // One macrotask: every microtask of the drain has run by then.
  await new Promise((r) => setTimeout(r, 0));
  assert.equal(c.written.length, 1);
});

function qos0(n: number): Delivery {
  return { ...qos1(n), qos: 0, packetId: undefined } as Delivery;
}

test("createDeliverySink drops QoS 0 that comes behind held deliveries while the client does not read (held stays bounded)", async () => {
  const c = stalledConnection(250);
  const sink = createDeliverySink(c.st);
  sink.deliver([1, 2, 3, 4].map(qos1)); // 4 is held
  sink.deliver(Array.from({ length: 1000 }, (_, i) => qos0(100 + i)));
  c.drain();
  await c.until(4);
  // Without the drop the drain would go on with held QoS 0 copies here.
  assert.deepEqual(c.written.map((p) => "packetId" in p && p.packetId), [
    1,
    2,
    3,
    4,
  ]);
});
