/**
 * The `Runtime` contract on the runtime running the tests (Deno under
 * `deno test`, Bun under `bun test`), with node:net / node:tls clients.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import * as net from "node:net";
import * as tls from "node:tls";
import { readFileSync } from "node:fs";
import type { Conn, Listener, Runtime } from "../../src/transport/types.ts";

async function currentRuntime(): Promise<Runtime> {
  if ("Bun" in globalThis) {
    return (await import("../../src/transport/bun/mod.ts")).createBunRuntime();
  }
  return (await import("../../src/transport/deno/mod.ts")).createDenoRuntime();
}

const fixtures = new URL("../fixtures/tls/", import.meta.url);
const cert = readFileSync(new URL("cert.pem", fixtures), "utf8");
const key = readFileSync(new URL("key.pem", fixtures), "utf8");

/** Echo every accepted connection until it closes. */
async function echo(listener: Listener): Promise<void> {
  for await (const conn of listener) {
    conn.readable.pipeTo(conn.writable).catch(() => conn.close()).finally(
      () => conn.close(),
    );
  }
}

function roundTrip(socket: net.Socket, bytes: Uint8Array): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const parts: Buffer[] = [];
    let n = 0;
    socket.on("data", (d: Buffer) => {
      parts.push(d);
      n += d.length;
      if (n >= bytes.length) resolve(Buffer.concat(parts));
    });
    socket.on("error", reject);
    socket.write(bytes);
  });
}

test("Runtime.listen() TCP echoes bytes, reports the bound port and the peer", async () => {
  const runtime = await currentRuntime();
  const listener = await runtime.listen({ hostname: "127.0.0.1", port: 0 });
  try {
    assert.ok(listener.addr.port > 0);
    const accepted = listener[Symbol.asyncIterator]().next();
    const socket = net.connect(listener.addr.port, "127.0.0.1");
    try {
      await new Promise((resolve) => socket.once("connect", resolve));
      const { value: conn } = await accepted as { value: Conn };
      assert.equal(conn.kind, "tcp");
      assert.equal(conn.remote.address, "127.0.0.1");
      assert.equal(conn.remote.port, socket.localPort);
      conn.readable.pipeTo(conn.writable).catch(() => {});
      const data = new Uint8Array(100_000).map((_, i) => i & 0xff);
      assert.deepEqual(new Uint8Array(await roundTrip(socket, data)), data);
      conn.close();
    } finally {
      socket.destroy();
    }
  } finally {
    listener.close();
  }
});

test("Runtime.listen() a large write resolves once the peer read every byte", async () => {
  const runtime = await currentRuntime();
  const listener = await runtime.listen({ hostname: "127.0.0.1", port: 0 });
  const socket = net.connect(listener.addr.port, "127.0.0.1");
  try {
    const { value: conn } = await listener[Symbol.asyncIterator]().next() as {
      value: Conn;
    };
    const size = 16 * 1024 * 1024;
    let received = 0;
    const all = new Promise<void>((resolve) => {
      socket.on("data", (d: Buffer) => {
        received += d.length;
        if (received === size) resolve();
      });
    });
    const writer = conn.writable.getWriter();
    await writer.write(new Uint8Array(size));
    await all;
    assert.equal(received, size);
    conn.close();
  } finally {
    socket.destroy();
    listener.close();
  }
});

test("Runtime.listen() TLS with PEM cert and key", async () => {
  const runtime = await currentRuntime();
  const listener = await runtime.listen({
    hostname: "127.0.0.1",
    port: 0,
    tls: { cert, key },
  });
  const serving = echo(listener);
  const socket = tls.connect({
    host: "127.0.0.1",
    port: listener.addr.port,
    ca: cert,
    servername: "localhost",
  });
  try {
    await new Promise<void>((resolve, reject) => {
      socket.once("secureConnect", resolve);
      socket.once("error", reject);
    });
    const data = new TextEncoder().encode("hello over tls");
    assert.deepEqual(new Uint8Array(await roundTrip(socket, data)), data);
  } finally {
    socket.destroy();
    listener.close();
    await serving;
  }
});

test("Listener.close() ends iteration", async () => {
  const runtime = await currentRuntime();
  const listener = await runtime.listen({ hostname: "127.0.0.1", port: 0 });
  const next = listener[Symbol.asyncIterator]().next();
  listener.close();
  listener.close();
  assert.equal((await next).done, true);
});

test("Conn.readable cancel leaves the writable usable", async () => {
  const runtime = await currentRuntime();
  const listener = await runtime.listen({ hostname: "127.0.0.1", port: 0 });
  const socket = net.connect(listener.addr.port, "127.0.0.1");
  try {
    const { value: conn } = await listener[Symbol.asyncIterator]().next() as {
      value: Conn;
    };
    const got = roundTrip(socket, Uint8Array.of(1));
    const reader = conn.readable.getReader();
    await reader.read();
    await reader.cancel();
    await conn.writable.getWriter().write(Uint8Array.of(9));
    assert.deepEqual([...await got], [9]);
    conn.close();
  } finally {
    socket.destroy();
    listener.close();
  }
});

test("Runtime.listen() WebSocket carries binary frames on /mqtt with subprotocol mqtt [MQTT-6.0.0-3]", async () => {
  const runtime = await currentRuntime();
  const listener = await runtime.listen({
    hostname: "127.0.0.1",
    port: 0,
    websocket: { path: "/mqtt" },
  });
  const serving = echo(listener);
  const ws = new WebSocket(`ws://127.0.0.1:${listener.addr.port}/mqtt`, [
    "mqtt",
  ]);
  ws.binaryType = "arraybuffer";
  try {
    await new Promise((resolve, reject) => {
      ws.onopen = resolve;
      ws.onerror = reject;
    });
    assert.equal(ws.protocol, "mqtt");
    const reply = new Promise<ArrayBuffer>((resolve) => {
      ws.onmessage = (e) => resolve(e.data as ArrayBuffer);
    });
    ws.send(Uint8Array.of(0xc0, 0x00));
    assert.deepEqual(new Uint8Array(await reply), Uint8Array.of(0xc0, 0x00));
  } finally {
    const closed = new Promise((resolve) => ws.onclose = resolve);
    ws.close();
    await closed;
    listener.close();
    await serving;
  }
});

test("Runtime.listen() WebSocket refuses other paths and missing subprotocol [MQTT-6.0.0-4]", async () => {
  const runtime = await currentRuntime();
  const listener = await runtime.listen({
    hostname: "127.0.0.1",
    port: 0,
    websocket: { path: "/mqtt" },
  });
  try {
    const base = `http://127.0.0.1:${listener.addr.port}`;
    const upgrade = {
      connection: "Upgrade",
      upgrade: "websocket",
      "sec-websocket-version": "13",
      "sec-websocket-key": "dGhlIHNhbXBsZSBub25jZQ==",
    };
    const wrongPath = await fetch(`${base}/other`, { headers: upgrade });
    await wrongPath.body?.cancel();
    assert.equal(wrongPath.status, 404);
    const plain = await fetch(`${base}/mqtt`);
    await plain.body?.cancel();
    assert.equal(plain.status, 426);
    const noProtocol = await fetch(`${base}/mqtt`, { headers: upgrade });
    await noProtocol.body?.cancel();
    assert.equal(noProtocol.status, 400);
  } finally {
    listener.close();
  }
});

test("Conn.readable delivers every byte in order to a reader that lags (pause/resume)", async () => {
  const runtime = await currentRuntime();
  const listener = await runtime.listen({ hostname: "127.0.0.1", port: 0 });
  const socket = net.connect(listener.addr.port, "127.0.0.1");
  try {
    const { value: conn } = await listener[Symbol.asyncIterator]().next() as {
      value: Conn;
    };
    const size = 8 * 1024 * 1024;
    const data = new Uint8Array(size).map((_, i) => (i * 7) & 0xff);
    socket.end(data);
    let offset = 0;
    let mismatch = -1;
    const reader = conn.readable.getReader();
    while (true) {
      // Lag behind the network so the adapter has to stop reading.
      await new Promise((r) => setImmediate(r));
      const { done, value } = await reader.read();
      if (done) break;
      for (let i = 0; i < value.length && mismatch < 0; i++) {
        if (value[i] !== data[offset + i]) mismatch = offset + i;
      }
      offset += value.length;
    }
    assert.equal(mismatch, -1);
    assert.equal(offset, size);
    conn.close();
  } finally {
    socket.destroy();
    listener.close();
  }
});
