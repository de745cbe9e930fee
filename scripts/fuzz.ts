// deno-lint-ignore-file no-console
/**
 * Mutation fuzzer of the MQTT decoder (`deno task fuzz`):
 *
 *     deno run -A scripts/fuzz.ts [--iterations N | --seconds S] [--seed N]
 *
 * Mutates the golden vectors; every input must decode to packets that
 * re-encode to themselves, or fail with an MqttError, under any chunking.
 * Prints the seed; a failure prints the input (add it to tests/vectors).
 *
 * @module
 */

import { fuzz } from "../tests/helpers/fuzz.ts";

const args = globalThis.process?.argv ?? [];
function arg(name: string): number | undefined {
  const i = args.indexOf(name);
  return i >= 0 ? Number(args[i + 1]) : undefined;
}

const seed = arg("--seed") ?? Date.now() % 2 ** 31;
const seconds = arg("--seconds");
const iterations = arg("--iterations") ?? (seconds ? undefined : 1_000_000);
console.log(`fuzz: seed ${seed}`);
const start = performance.now();
const n = fuzz({
  seed,
  iterations,
  deadline: seconds === undefined ? undefined : start + seconds * 1000,
});
const secs = (performance.now() - start) / 1000;
console.log(
  `fuzz: ${n} inputs in ${secs.toFixed(1)} s, no failures (seed ${seed})`,
);
