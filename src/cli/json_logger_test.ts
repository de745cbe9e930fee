import { test } from "node:test";
import assert from "node:assert/strict";
import { createJsonLogger, isLogLevel } from "./json_logger.ts";

test("createJsonLogger() writes one JSON line per record above the level", () => {
  const lines: string[] = [];
  const logger = createJsonLogger({
    level: "info",
    write: (l) => lines.push(l),
    now: () => 0,
  });
  logger.debug("hidden");
  logger.info("listening", { host: "127.0.0.1", port: 1883 });
  logger.error("boom", { error: new TypeError("bad") });
  assert.equal(lines.length, 2);
  assert.ok(
    lines.every((l) => l.endsWith("\n") && !l.slice(0, -1).includes("\n")),
  );
  assert.deepEqual(JSON.parse(lines[0]), {
    time: "1970-01-01T00:00:00.000Z",
    level: "info",
    msg: "listening",
    host: "127.0.0.1",
    port: 1883,
  });
  assert.deepEqual(JSON.parse(lines[1]).error, {
    name: "TypeError",
    message: "bad",
  });
});

test("isLogLevel() accepts the four levels only", () => {
  assert.ok(isLogLevel("debug") && isLogLevel("error"));
  assert.ok(!isLogLevel("trace") && !isLogLevel("toString"));
});

test("createJsonLogger() pretty format is one readable line", () => {
  const lines: string[] = [];
  const logger = createJsonLogger({
    level: "debug",
    format: "pretty",
    write: (l) => lines.push(l),
    now: () => 0,
  });
  logger.warn("listening", { host: "::", port: 1883 });
  assert.deepEqual(lines, [
    "1970-01-01T00:00:00.000Z WARN  listening host=:: port=1883\n",
  ]);
});
