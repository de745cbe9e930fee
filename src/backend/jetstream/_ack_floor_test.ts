import { test } from "node:test";
import assert from "node:assert/strict";
import { createAckFloor } from "./_ack_floor.ts";

const tick = () => new Promise<void>((r) => queueMicrotask(r));

test("createAckFloor() sends one ack for an in-order burst", async () => {
  const sent: string[] = [];
  const floor = createAckFloor((r) => sent.push(r));
  for (const s of [1, 2, 3]) floor.seen("c", s, `r${s}`);
  floor.done("c", 1, "r1");
  floor.done("c", 2, "r2");
  floor.done("c", 3, "r3");
  await tick();
  assert.deepEqual(sent, ["r3"]);
});

test("createAckFloor() holds an out-of-order ack until the gap is done", async () => {
  const sent: string[] = [];
  const floor = createAckFloor((r) => sent.push(r));
  for (const s of [5, 7, 9]) floor.seen("c", s, `r${s}`);
  floor.done("c", 7, "r7");
  await tick();
  assert.deepEqual(sent, []);
  floor.seen("c", 5, "r5b"); // a redelivery: newest ack subject wins
  floor.done("c", 5, "r5b");
  await tick();
  assert.deepEqual(sent, ["r7"]);
  floor.done("c", 3, "old");
  await tick();
  assert.deepEqual(sent, ["r7", "old"]);
});

test("createAckFloor() keeps the floor over long in-order runs and late gaps", async () => {
  const sent: string[] = [];
  const floor = createAckFloor((r) => sent.push(r));
  for (let s = 1; s <= 3000; s++) floor.seen("c", s, `r${s}`);
  for (let s = 1; s <= 2500; s++) floor.done("c", s, `r${s}`);
  await tick();
  assert.deepEqual(sent, ["r2500"]);
  floor.seen("c", 3002, "r3002");
  floor.seen("c", 3001, "r3001"); // Arrives out of order.
  for (const s of [3002, 2501, 3001]) floor.done("c", s, `r${s}`);
  await tick();
  assert.deepEqual(sent, ["r2500", "r2501"]);
  for (let s = 2502; s <= 3000; s++) floor.done("c", s, `r${s}`);
  await tick();
  assert.deepEqual(sent, ["r2500", "r2501", "r3002"]);
});
