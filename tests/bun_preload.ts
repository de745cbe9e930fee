/**
 * Loaded by `bun test` before any test file (see bunfig.toml): end-to-end
 * tests start subprocesses and servers and need more than Bun's 5 s default
 * per test. Deno has no per-test default, so only Bun reads this file.
 *
 * @module
 */

// @ts-ignore: "bun:test" exists only when Bun runs this file.
import { setDefaultTimeout } from "bun:test";

setDefaultTimeout(60_000);
