import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type CliIo, runCli } from "./run_cli.ts";
import { VERSION } from "./version.ts";

function capture(): CliIo & { out: string; err: string } {
  const io = {
    out: "",
    err: "",
    stdout: (t: string) => void (io.out += t),
    stderr: (t: string) => void (io.err += t),
  };
  return io;
}

test("runCli() version prints the version and runtime", async () => {
  const io = capture();
  assert.equal(await runCli(["version"], {}, io), 0);
  assert.match(io.out, new RegExp(`^jetmq ${VERSION} \\((deno|bun) `));
});

test("runCli() check-config prints the resolved config (flags > env > file)", async () => {
  const dir = mkdtempSync(join(tmpdir(), "jetmq-cli-"));
  try {
    const file = join(dir, "jetmq.json");
    writeFileSync(
      file,
      JSON.stringify({ data: "/from-file", log: { level: "warn" } }),
    );
    const io = capture();
    const code = await runCli(
      ["check-config", "--config", file, "--port", "1999"],
      { JETMQ_LOG_LEVEL: "debug", JETMQ_PORT: "1888" },
      io,
    );
    assert.equal(code, 0, io.err);
    const config = JSON.parse(io.out);
    assert.equal(config.data, "/from-file");
    assert.equal(config.log.level, "debug");
    assert.equal(config.listeners[0].port, 1999);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("runCli() exits 2 naming the bad field", async () => {
  for (
    const [args, env, needle] of [
      [["--port", "x"], {}, "--port"],
      [["check-config"], { JETMQ_PORT: "99999" }, "JETMQ_PORT"],
      [["check-config", "--log-level", "loud"], {}, "log.level"],
      [["check-config", "--config", "/nonexistent/x.json"], {}, "x.json"],
      [["frobnicate"], {}, "frobnicate"],
    ] as const
  ) {
    const io = capture();
    assert.equal(await runCli([...args], env, io), 2, `${args}`);
    assert.ok(io.err.includes(needle), io.err);
    assert.equal(io.out, "");
  }
});

test("runCli() help prints usage", async () => {
  const io = capture();
  assert.equal(await runCli(["help"], {}, io), 0);
  assert.match(io.out, /--nats <url>/);
});

test("runCli() check-config hides credentials", async () => {
  for (
    const [flags, secret] of [
      [["--nats-token", "s3cret"], "s3cret"],
      [["--nats-user", "u", "--nats-pass", "hunter2"], "hunter2"],
    ] as const
  ) {
    const io = capture();
    const args = ["check-config", "--nats", "nats://h:4222", ...flags];
    assert.equal(await runCli(args, {}, io), 0, io.err);
    assert.ok(!io.out.includes(secret), io.out);
    assert.equal(JSON.parse(io.out).backend, "jetstream");
  }
});
