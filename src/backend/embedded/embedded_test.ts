import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { backendContract } from "../../../tests/backend_contract.ts";
import { nullLogger, nullMetrics } from "../../observability/types.ts";
import type { Backend } from "../types.ts";
import { createEmbeddedBackend } from "./mod.ts";

backendContract("embedded (SQLite file)", async (options) => {
  const dir = mkdtempSync(join(tmpdir(), "jetmq-embedded-"));
  const open = () =>
    createEmbeddedBackend({
      ...options,
      dir,
      logger: nullLogger,
      metrics: nullMetrics,
    });
  let backend: Backend = await open();
  return {
    backend,
    async restart() {
      await backend.close();
      backend = await open();
      return backend;
    },
    async dispose() {
      try {
        await backend.close();
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
});

backendContract("embedded (:memory:)", async (options) => {
  const backend = await createEmbeddedBackend({
    ...options,
    dir: "",
    memory: true,
    logger: nullLogger,
    metrics: nullMetrics,
  });
  return { backend, dispose: () => backend.close() };
});
