/**
 * jetmq entry point: hands the arguments and environment to the CLI and sets
 * the exit code.
 *
 * @module
 */

import process from "node:process";
import { runCli } from "./src/cli/mod.ts";

process.exitCode = await runCli(process.argv.slice(2), process.env);
