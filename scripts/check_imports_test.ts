import { test } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const SCRIPT = fileURLToPath(new URL("./check_imports.ts", import.meta.url));

/** Run the script on a tree of `files`; resolves with exit code and stderr. */
async function check(
  files: Record<string, string>,
): Promise<{ code: number; err: string }> {
  const root = mkdtempSync(join(tmpdir(), "check-imports-"));
  try {
    for (const [path, text] of Object.entries(files)) {
      mkdirSync(dirname(join(root, path)), { recursive: true });
      writeFileSync(join(root, path), text);
    }
    return await new Promise((resolve) => {
      execFile(
        "deno",
        ["run", "-A", SCRIPT, "--root", root],
        { timeout: 60_000 },
        (err, _out, stderr) =>
          resolve({ code: err ? Number(err.code ?? 1) : 0, err: stderr }),
      );
    });
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

test("check_imports accepts edges that point inward", async () => {
  const r = await check({
    "main.ts": 'import "./src/cli/mod.ts";\n',
    "src/cli/mod.ts":
      'import "../server/mod.ts";\nexport const v = Deno.pid;\n',
    "src/server/mod.ts": 'import "../codec/mod.ts";\n',
    "src/codec/mod.ts": "export const x = 1; // Deno.pid in a comment\n",
  });
  assert.equal(r.code, 0, r.err);
});

test("check_imports rejects an outward edge, Deno. outside the adapters and a foreign _file", async () => {
  const r = await check({
    "src/codec/mod.ts": 'import "../topic/mod.ts";\n',
    "src/topic/mod.ts": "export const t = 1;\n",
    "src/router/mod.ts": "export const pid = Deno.pid;\n",
    "src/backend/embedded/_x.ts": "export const x = 1;\n",
    "src/server/mod.ts": 'import "../backend/embedded/_x.ts";\n',
  });
  assert.equal(r.code, 1);
  assert.match(r.err, /src\/codec\/mod\.ts: imports \.\.\/topic\/mod\.ts/);
  assert.match(r.err, /src\/router\/mod\.ts:1: names Deno\./);
  assert.match(r.err, /server\/mod\.ts: imports .*_x\.ts \(a _private file/);
});
