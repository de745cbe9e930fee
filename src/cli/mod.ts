/**
 * The command-line program: flags, env, config file, runtime choice and the
 * `serve`/`check-config`/`version` commands. May name `Deno.*`/`Bun.*`;
 * imports `config`, `server`, `transport/<runtime>` and `observability`.
 *
 * @module
 */

export { type CliIo, runCli } from "./run_cli.ts";
export { VERSION } from "./version.ts";
