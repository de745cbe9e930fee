import { test } from "node:test";
import assert from "node:assert/strict";
import { createMemoryPair } from "./pair.ts";
import { createMemoryListener } from "./listener.ts";

test("createMemoryPair() carries bytes both ways as copies", async () => {
  const [a, b] = createMemoryPair();
  try {
    const buf = Uint8Array.of(1, 2, 3);
    await a.writable.getWriter().write(buf);
    buf[0] = 9; // a writer may reuse its buffer once the write settled
    assert.deepEqual(
      (await b.readable.getReader().read()).value,
      Uint8Array.of(1, 2, 3),
    );
    await b.writable.getWriter().write(Uint8Array.of(4));
    assert.deepEqual(
      (await a.readable.getReader().read()).value,
      Uint8Array.of(4),
    );
  } finally {
    a.close();
  }
});

test("createMemoryPair() write waits while the reader is behind", async () => {
  const [a, b] = createMemoryPair({ highWaterMark: 4 });
  try {
    const writer = a.writable.getWriter();
    await writer.write(new Uint8Array(4));
    let second = false;
    const p = writer.write(new Uint8Array(4)).then(() => {
      second = true;
    });
    await new Promise((r) => setTimeout(r, 0));
    assert.equal(second, false);
    await b.readable.getReader().read();
    await p;
    assert.equal(second, true);
  } finally {
    a.close();
  }
});

test("createMemoryPair() close ends both directions on both sides", async () => {
  const [a, b] = createMemoryPair();
  const readA = a.readable.getReader();
  const readB = b.readable.getReader();
  b.close();
  b.close();
  assert.equal((await readA.read()).done, true);
  assert.equal((await readB.read()).done, true);
  await assert.rejects(a.writable.getWriter().write(Uint8Array.of(1)));
});

test("createMemoryListener() yields the server side of each connect()", async () => {
  const listener = createMemoryListener();
  const it = listener[Symbol.asyncIterator]();
  const client = listener.connect();
  const { value: server } = await it.next();
  assert.ok(server);
  await client.writable.getWriter().write(Uint8Array.of(5));
  assert.deepEqual(
    (await server.readable.getReader().read()).value,
    Uint8Array.of(5),
  );
  listener.close();
  assert.equal((await it.next()).done, true);
  client.close();
});
