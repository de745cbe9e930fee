import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import process from "node:process";
import { fileURLToPath } from "node:url";
import { createEmbeddedBackend } from "./mod.ts";
import { nullLogger, nullMetrics } from "../../observability/types.ts";
import type { Delivery } from "../types.ts";

const CHILD = fileURLToPath(
  new URL("../../../tests/helpers/embedded_crash_child.ts", import.meta.url),
);
const DEADLINE_MS = 20_000;

/** Runs the child until it acknowledged `count` publishes, then SIGKILLs it. */
function publishThenKill(dir: string, count: number): Promise<Set<number>> {
  const args = "Bun" in globalThis ? [CHILD, dir] : ["run", "-A", CHILD, dir];
  const child = spawn(process.execPath, args, {
    stdio: ["ignore", "pipe", "inherit"],
  });
  const acked = new Set<number>();
  let buffered = "";
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`Child acknowledged only ${acked.size} publishes`));
    }, DEADLINE_MS);
    child.stdout!.setEncoding("utf8");
    child.stdout!.on("data", (chunk: string) => {
      buffered += chunk;
      const lines = buffered.split("\n");
      buffered = lines.pop()!;
      for (const line of lines) {
        if (line.startsWith("acked ")) acked.add(Number(line.slice(6)));
      }
      if (acked.size >= count && child.exitCode === null && !child.killed) {
        child.kill("SIGKILL");
      }
    });
    child.on("exit", (_code, signal) => {
      clearTimeout(timer);
      if (signal === "SIGKILL") resolve(acked);
      else reject(new Error(`Child exited by itself (${_code})`));
    });
  });
}

test("createEmbeddedBackend() restores every acknowledged QoS 1 message after kill -9", async () => {
  const dir = mkdtempSync(join(tmpdir(), "jetmq-crash-"));
  try {
    const acked = await publishThenKill(dir, 3000);
    const backend = await createEmbeddedBackend({
      dir,
      logger: nullLogger,
      metrics: nullMetrics,
      maxQueuedMessages: 1_000_000,
      maxQueuedBytes: 1 << 30,
    });
    try {
      const got = new Set<number>();
      const session = await backend.openSession({
        clientId: "sub",
        clean: false,
        expiry: 3600,
        window: 65535,
        onTakeover() {},
        sink: {
          deliver(ds: Delivery[]) {
            for (const d of ds) {
              if (d.kind === "publish") {
                got.add(Number(new TextDecoder().decode(d.message.payload)));
              }
            }
          },
        },
      });
      assert.equal(session.present, true);
      session.resume();
      const missing = [...acked].filter((n) => !got.has(n));
      assert.deepEqual(missing, [], `${missing.length} of ${acked.size} lost`);
      assert.equal((await backend.retained("crash/retained")).length, 1);
    } finally {
      await backend.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
