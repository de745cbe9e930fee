import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { ConfigError } from "../config/mod.ts";
import { loadAuthMethods } from "./load_auth_methods.ts";

const EXAMPLE = fileURLToPath(
  new URL("../../examples/auth/hmac_challenge.ts", import.meta.url),
);

/** Writes each module source into a temp dir; returns their paths. */
async function withModules(
  sources: Record<string, string>,
  body: (dir: string) => Promise<void>,
): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), "jetmq-auth-mod-"));
  try {
    for (const [name, text] of Object.entries(sources)) {
      writeFileSync(join(dir, name), text);
    }
    await body(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function rejectsAt(
  promise: Promise<unknown>,
  path: string,
  message: RegExp,
): Promise<void> {
  await assert.rejects(promise, (err) => {
    assert.ok(err instanceof ConfigError, String(err));
    assert.equal(err.issues[0].path, path);
    assert.match(err.issues[0].message, message);
    return true;
  });
}

test("loadAuthMethods() builds the example method from a path relative to cwd", async () => {
  const [method] = await loadAuthMethods(
    [{ module: "examples/auth/hmac_challenge.ts", options: { secret: "s" } }],
    { cwd: fileURLToPath(new URL("../..", import.meta.url)) },
  );
  assert.equal(method.name, "HMAC-SHA256");
  assert.equal(typeof method.start, "function");
});

test("loadAuthMethods() passes options to the factory", async () => {
  const [method] = await loadAuthMethods([
    { module: EXAMPLE, options: { secret: "s", name: "custom" } },
  ]);
  assert.equal(method.name, "custom");
});

test("loadAuthMethods() a missing module is a ConfigError naming auth.methods[i].module", async () => {
  await rejectsAt(
    loadAuthMethods([
      { module: EXAMPLE, options: { secret: "s" } },
      { module: "./no/such/module.ts" },
    ]),
    "auth.methods[1].module",
    /cannot load "\.\/no\/such\/module\.ts"/,
  );
});

test("loadAuthMethods() a module without a default factory is a ConfigError", async () => {
  await withModules({ "none.mjs": "export const x = 1;\n" }, async (dir) => {
    await rejectsAt(
      loadAuthMethods([{ module: join(dir, "none.mjs") }]),
      "auth.methods[0].module",
      /must default-export a factory/,
    );
  });
});

test("loadAuthMethods() a factory returning no method is a ConfigError", async () => {
  await withModules(
    { "bad.mjs": "export default () => ({ name: 'x', start() {} });\n" },
    async (dir) => {
      await rejectsAt(
        loadAuthMethods([{ module: join(dir, "bad.mjs") }]),
        "auth.methods[0].module",
        /must return \{ name, start, continue \}/,
      );
    },
  );
});

test("loadAuthMethods() a factory that throws is a ConfigError with its message", async () => {
  await rejectsAt(
    loadAuthMethods([{ module: EXAMPLE }]),
    "auth.methods[0].module",
    /factory .* failed: Cannot create HMAC-SHA256 method: no secret/,
  );
});
