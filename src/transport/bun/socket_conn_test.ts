import { test } from "node:test";
import assert from "node:assert/strict";
import type { BunSocket } from "./_bun.ts";
import { createSocketConn, READ_HIGH_WATER_MARK } from "./socket_conn.ts";

interface FakeSocket extends BunSocket<unknown> {
  log: string[];
  /** How many bytes each next write() accepts (default: all). */
  accept: number[];
  sent: number[];
}

function fakeSocket(): FakeSocket {
  const s: FakeSocket = {
    log: [],
    accept: [],
    sent: [],
    data: undefined,
    remoteAddress: "127.0.0.1",
    remotePort: 5000,
    write(data) {
      const n = Math.min(s.accept.shift() ?? data.byteLength, data.byteLength);
      s.sent.push(...data.subarray(0, n));
      return n;
    },
    end: () => s.log.push("end"),
    terminate: () => s.log.push("terminate"),
    pause: () => s.log.push("pause"),
    resume: () => s.log.push("resume"),
  };
  return s;
}

test("createSocketConn() pauses the socket over the high-water mark and resumes on read", async () => {
  const socket = fakeSocket();
  const sc = createSocketConn(socket, "tcp");
  const chunk = new Uint8Array(READ_HIGH_WATER_MARK / 2);
  sc.onData(chunk);
  assert.deepEqual(socket.log, []);
  sc.onData(chunk);
  assert.deepEqual(socket.log, ["pause"]);
  const reader = sc.conn.readable.getReader();
  await reader.read();
  await reader.read();
  assert.deepEqual(socket.log, ["pause", "resume"]);
  sc.conn.close();
});

test("createSocketConn() write() resolves only once every byte was accepted", async () => {
  const socket = fakeSocket();
  socket.accept = [3, 0, 4];
  const sc = createSocketConn(socket, "tcp");
  const writer = sc.conn.writable.getWriter();
  let done = false;
  const p = writer.write(Uint8Array.of(1, 2, 3, 4, 5, 6, 7, 8, 9)).then(() => {
    done = true;
  });
  await Promise.resolve();
  assert.equal(done, false);
  sc.onDrain(); // accepts 0
  sc.onDrain(); // accepts 4
  await Promise.resolve();
  assert.equal(done, false);
  sc.onDrain(); // accepts the remaining 2
  await p;
  assert.deepEqual(socket.sent, [1, 2, 3, 4, 5, 6, 7, 8, 9]);
  sc.conn.close();
});

test("createSocketConn() close rejects a pending write and ends the readable", async () => {
  const socket = fakeSocket();
  socket.accept = [1];
  const sc = createSocketConn(socket, "tls");
  const writer = sc.conn.writable.getWriter();
  const p = writer.write(Uint8Array.of(1, 2));
  const reader = sc.conn.readable.getReader();
  sc.onData(Uint8Array.of(7));
  sc.onClose();
  await assert.rejects(p);
  assert.deepEqual((await reader.read()).value, Uint8Array.of(7));
  assert.equal((await reader.read()).done, true);
  assert.deepEqual(socket.log, ["end"]);
  assert.equal(sc.conn.kind, "tls");
  assert.deepEqual(sc.conn.remote, { address: "127.0.0.1", port: 5000 });
});

test("createSocketConn() cancelling the readable pauses reading and keeps writing", async () => {
  const socket = fakeSocket();
  const sc = createSocketConn(socket, "tcp");
  await sc.conn.readable.cancel();
  assert.deepEqual(socket.log, ["pause"]);
  await sc.conn.writable.getWriter().write(Uint8Array.of(1, 2));
  assert.deepEqual(socket.sent, [1, 2]);
  sc.onData(Uint8Array.of(3)); // ignored
  sc.conn.close();
  assert.deepEqual(socket.log, ["pause", "end"]);
});
