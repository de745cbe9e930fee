/** End to end: main.ts exit codes and messages on Deno and on Bun. */
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { type RuntimeName, runtimes } from "../helpers/server.ts";

const MAIN = fileURLToPath(new URL("../../main.ts", import.meta.url));

function runMain(
  runtime: RuntimeName,
  args: string[],
): Promise<{ code: number; stdout: string; stderr: string }> {
  const argv = runtime === "deno"
    ? ["run", "-A", MAIN, ...args]
    : [MAIN, ...args];
  return new Promise((resolve) => {
    execFile(runtime, argv, { timeout: 30_000 }, (err, stdout, stderr) => {
      const code = err ? (typeof err.code === "number" ? err.code : -1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

for (const runtime of runtimes) {
  test(`main.ts on ${runtime}: version exits 0`, async () => {
    const r = await runMain(runtime, ["version"]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, new RegExp(`^jetmq \\S+ \\(${runtime} `));
  });

  test(`main.ts on ${runtime}: bad input exits 2 naming the field`, async () => {
    const r = await runMain(runtime, ["--port", "nope"]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /--port/);
    const e = await runMain(runtime, ["check-config", "--log-level", "loud"]);
    assert.equal(e.code, 2);
    assert.match(e.stderr, /log\.level/);
  });
}
