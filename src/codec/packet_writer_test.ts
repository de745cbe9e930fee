import assert from "node:assert/strict";
import { test } from "node:test";
import { createPacketWriter } from "./packet_writer.ts";
import type { Packet } from "./types.ts";

const publish = (n: number): Packet => ({
  type: 3,
  topic: "t",
  payload: new Uint8Array(n),
  qos: 0,
  retain: false,
  dup: false,
});

/** A sink whose writes settle only when the test says so. */
function manualSink() {
  const writes: Array<
    {
      chunk: Uint8Array;
      copy: number[];
      done: () => void;
      fail: (e: unknown) => void;
    }
  > = [];
  let wake: (() => void) | undefined;
  const sink = new WritableStream<Uint8Array>({
    write(chunk) {
      return new Promise<void>((done, fail) => {
        writes.push({ chunk, copy: Array.from(chunk), done, fail });
        wake?.();
      });
    },
  }, { highWaterMark: 1 });
  const nextWrite = async () => {
    while (writes.length === 0) await new Promise<void>((r) => (wake = r));
    return writes.shift()!;
  };
  return { writer: sink.getWriter(), nextWrite };
}

test("createPacketWriter() flushes all packets of a tick as one chunk", async () => {
  const chunks: number[][] = [];
  const sink = new WritableStream<Uint8Array>({
    write(c) {
      chunks.push(Array.from(c));
    },
  });
  const out = createPacketWriter(sink.getWriter());
  out.write({ type: 12 });
  out.write({ type: 13 });
  out.write({ type: 4, packetId: 1 });
  await out.flush();
  assert.deepEqual(chunks, [[0xc0, 0, 0xd0, 0, 0x40, 2, 0, 1]]);
  assert.equal(out.buffered, 0);
});

test("createPacketWriter() never touches a chunk before its write settles", async () => {
  const { writer, nextWrite } = manualSink();
  const out = createPacketWriter(writer, { initialCapacity: 16 });
  out.write(publish(4));
  const first = await nextWrite();
  // More packets while the first chunk is in flight, enough to grow buffers.
  for (let i = 0; i < 20; i++) out.write(publish(8));
  await Promise.resolve();
  assert.deepEqual(Array.from(first.chunk), first.copy);
  first.done();
  const second = await nextWrite();
  assert.equal(second.chunk.length, 20 * 13);
  out.write({ type: 12 });
  await Promise.resolve();
  assert.deepEqual(Array.from(second.chunk), second.copy);
  second.done();
  (await nextWrite()).done();
  await out.flush();
});

test("createPacketWriter() with initialCapacity 0 grows on demand and keeps chunks intact after shrinking", async () => {
  const { writer, nextWrite } = manualSink();
  const out = createPacketWriter(writer, { initialCapacity: 0 });
  // A large flush (the buffer grows past the shrink threshold) ...
  out.write(publish(40_000));
  const big = await nextWrite();
  assert.equal(big.chunk.length, 40_007);
  big.done();
  await Promise.resolve();
  // ... then small ones, written while the previous one is in flight.
  for (let round = 0; round < 3; round++) {
    out.write(publish(4));
    const w = await nextWrite();
    out.write(publish(8));
    await Promise.resolve();
    assert.deepEqual(Array.from(w.chunk), w.copy);
    w.done();
    const w2 = await nextWrite();
    assert.equal(w2.chunk.length, 13);
    w2.done();
    await out.flush();
  }
  assert.equal(out.buffered, 0);
});

test("createPacketWriter() applies backpressure through ready and write()'s result", async () => {
  const { writer, nextWrite } = manualSink();
  const out = createPacketWriter(writer, { highWaterMark: 100 });
  assert.equal(out.write(publish(50)), true);
  assert.equal(out.write(publish(60)), false);
  assert.equal(out.buffered, 55 + 65);
  let ready = false;
  const waiting = out.ready.then(() => (ready = true));
  const w = await nextWrite();
  assert.equal(ready, false);
  w.done();
  await waiting;
  assert.equal(out.buffered, 0);
});

test("createPacketWriter() surfaces a failed write through ready, flush and write", async () => {
  const { writer, nextWrite } = manualSink();
  const out = createPacketWriter(writer);
  out.write({ type: 12 });
  const flushed = out.flush();
  (await nextWrite()).fail(new Error("reset"));
  await assert.rejects(flushed, /reset/);
  await assert.rejects(out.ready, /reset/);
  assert.throws(() => out.write({ type: 12 }), /reset/);
});

test("createPacketWriter() drops a packet that fails to encode, keeping the others", async () => {
  const chunks: number[][] = [];
  const sink = new WritableStream<Uint8Array>({
    write(c) {
      chunks.push(Array.from(c));
    },
  });
  const out = createPacketWriter(sink.getWriter(), { version: 4 });
  out.write({ type: 12 });
  assert.throws(
    () => out.write({ ...publish(1), topic: "x".repeat(70_000) } as Packet),
    RangeError,
  );
  out.write({ type: 13 });
  await out.flush();
  assert.deepEqual(chunks, [[0xc0, 0, 0xd0, 0]]);
});

test("createPacketWriter() encodes for the version it is set to", async () => {
  const chunks: number[][] = [];
  const sink = new WritableStream<Uint8Array>({
    write(c) {
      chunks.push(Array.from(c));
    },
  });
  const out = createPacketWriter(sink.getWriter());
  out.version = 5;
  out.write({ type: 14, reasonCode: 0x8e });
  await out.close();
  assert.deepEqual(chunks, [[0xe0, 1, 0x8e]]);
});

test("createPacketWriter() refuses packets above the peer's maximum packet size [MQTT-3.1.2-24]", async () => {
  const chunks: number[][] = [];
  const sink = new WritableStream<Uint8Array>({
    write(c) {
      chunks.push(Array.from(c));
    },
  });
  const out = createPacketWriter(sink.getWriter(), { maxPacketSize: 10 });
  assert.throws(() => out.write(publish(6)), RangeError); // 11 bytes
  out.write(publish(5)); // 10 bytes
  out.maxPacketSize = 0; // no limit
  out.write(publish(6));
  await out.flush();
  assert.equal(chunks.flat().length, 21);
});
