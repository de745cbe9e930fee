import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openNats } from "./nats.ts";

/** Start nats-server on a random port with a token; poll its ports file. */
async function natsServer(token: string) {
  const dir = mkdtempSync(join(tmpdir(), "jetmq-nats-"));
  const proc = spawn("nats-server", [
    "-a",
    "127.0.0.1",
    "-p",
    "-1",
    "--auth",
    token,
    "--ports_file_dir",
    dir,
  ], { stdio: "ignore" });
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    const f = readdirSync(dir).find((n) => n.endsWith(".ports"));
    if (f) {
      const ports = JSON.parse(readFileSync(join(dir, f), "utf8"));
      return {
        url: ports.nats[0] as string,
        stop() {
          proc.kill();
          rmSync(dir, { recursive: true, force: true });
        },
      };
    }
    await new Promise((r) => setTimeout(r, 20));
  }
  proc.kill();
  throw new Error("nats-server did not start");
}

test("openNats() connects with a token", async () => {
  const server = await natsServer("s3cret");
  try {
    const nc = await openNats({ servers: [server.url], token: "s3cret" });
    try {
      await nc.flush();
      assert.equal(nc.isClosed(), false);
    } finally {
      await nc.close();
    }
    // Under Deno's node:net, nats.js leaves the refused socket without an
    // error listener, and the server's reset then surfaces as an uncaught
    // ECONNRESET that fails the whole file; Bun reports the refusal cleanly.
    if ("Bun" in globalThis) {
      await assert.rejects(
        openNats({ servers: [server.url], token: "wrong" }),
      );
    }
  } finally {
    server.stop();
  }
});
