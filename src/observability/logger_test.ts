import { test } from "node:test";
import assert from "node:assert/strict";
import { createLogger } from "./logger.ts";

function capture(options: Partial<Parameters<typeof createLogger>[0]> = {}) {
  const lines: string[] = [];
  const log = createLogger({
    write: (l) => lines.push(l),
    now: () => 0,
    ...options,
  });
  return { log, lines };
}

test("createLogger() writes one JSON object per line", () => {
  const { log, lines } = capture();
  log.info("client connected", { clientId: "c1", version: 5 });
  assert.equal(lines.length, 1);
  assert.deepEqual(JSON.parse(lines[0]), {
    time: "1970-01-01T00:00:00.000Z",
    level: "info",
    msg: "client connected",
    clientId: "c1",
    version: 5,
  });
  assert.ok(!lines[0].includes("\n"));
});

test("createLogger() drops records below its level", () => {
  const { log, lines } = capture({ level: "warn" });
  log.debug("d");
  log.info("i");
  log.warn("w");
  log.error("e");
  assert.deepEqual(lines.map((l) => JSON.parse(l).level), ["warn", "error"]);
});

test("createLogger() defaults to info", () => {
  const { log, lines } = capture();
  log.debug("hidden");
  log.info("shown");
  assert.equal(lines.length, 1);
});

test("createLogger() child() adds fields to every line", () => {
  const { log, lines } = capture({ fields: { node: "n1" } });
  const child = log.child({ clientId: "c1" }).child({ remote: "127.0.0.1:5" });
  child.warn("slow", { queued: 3 });
  assert.deepEqual(JSON.parse(lines[0]), {
    time: "1970-01-01T00:00:00.000Z",
    level: "warn",
    msg: "slow",
    node: "n1",
    clientId: "c1",
    remote: "127.0.0.1:5",
    queued: 3,
  });
});

test("createLogger() serialises errors, bigints and bytes", () => {
  const { log, lines } = capture();
  const err = Object.assign(new RangeError("too big"), { reasonCode: 0x95 });
  log.error("closed", { err, seq: 12n, payload: new Uint8Array(4) });
  assert.deepEqual(JSON.parse(lines[0]).err, {
    name: "RangeError",
    message: "too big",
    reasonCode: 0x95,
  });
  assert.equal(JSON.parse(lines[0]).seq, "12");
  assert.equal(JSON.parse(lines[0]).payload, "<4 bytes>");
});

test("createLogger() never throws on circular fields", () => {
  const { log, lines } = capture();
  const loop: Record<string, unknown> = {};
  loop.self = loop;
  log.info("loop", { loop });
  assert.equal(lines.length, 1);
  assert.equal(typeof JSON.parse(lines[0]), "string");
});

test("createLogger() pretty format writes readable text", () => {
  const { log, lines } = capture({ format: "pretty" });
  log.info("client connected", {
    clientId: "c1",
    note: "two words",
    n: 2,
    skip: undefined,
  });
  assert.equal(
    lines[0],
    '1970-01-01T00:00:00.000Z INFO  client connected clientId=c1 note="two words" n=2',
  );
});

test("createLogger() refuses an unknown level", () => {
  assert.throws(
    () => createLogger({ write: () => {}, level: "loud" as "info" }),
    RangeError,
  );
});
