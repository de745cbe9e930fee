/**
 * Loads the enhanced authentication methods named by `auth.methods`: each
 * an ES module whose default export is a factory
 * `(options) => EnhancedAuthMethod`, imported once at start.
 *
 * @module
 */

import { isAbsolute, resolve } from "node:path";
import process from "node:process";
import { pathToFileURL } from "node:url";
import type { EnhancedAuthMethod } from "../auth/mod.ts";
import { type AuthMethodConfig, ConfigError } from "../config/mod.ts";

/** Options of `loadAuthMethods`. */
export interface LoadAuthMethodsOptions {
  /** Base of relative module paths (default: the working directory). */
  cwd?: string;
}

/**
 * Imports each configured module and builds its method. Throws a
 * `ConfigError` naming `auth.methods[i].module` when a module cannot be
 * loaded, does not default-export a function, or its factory does not
 * return a method (`name`, `start`, `continue`).
 *
 * @example
 * ```ts ignore
 * const methods = await loadAuthMethods([
 *   { module: "./examples/auth/hmac_challenge.ts", options: { secret: "s" } },
 * ]);
 * ```
 */
export async function loadAuthMethods(
  configs: readonly AuthMethodConfig[],
  options: LoadAuthMethodsOptions = {},
): Promise<EnhancedAuthMethod[]> {
  const cwd = options.cwd ?? process.cwd();
  const methods: EnhancedAuthMethod[] = [];
  for (const [i, config] of configs.entries()) {
    const path = `auth.methods[${i}].module`;
    const fail = (message: string, cause?: unknown): never => {
      throw new ConfigError([{ path, message }], { cause });
    };
    let loaded: { default?: unknown };
    try {
      loaded = await import(specifier(config.module, cwd));
    } catch (err) {
      fail(`cannot load "${config.module}": ${messageOf(err)}`, err);
    }
    const factory = loaded!.default;
    if (typeof factory !== "function") {
      fail(
        `"${config.module}" must default-export a factory (options) => EnhancedAuthMethod`,
      );
    }
    let method: unknown;
    try {
      method = await (factory as (o: unknown) => unknown)(
        config.options ?? {},
      );
    } catch (err) {
      fail(`the factory of "${config.module}" failed: ${messageOf(err)}`, err);
    }
    if (!isMethod(method)) {
      fail(
        `the factory of "${config.module}" must return { name, start, continue }`,
      );
    }
    methods.push(method as EnhancedAuthMethod);
  }
  return methods;
}

/** A URL (`file:`, `https:`, `npm:`, …) as is; a path made absolute. */
function specifier(module: string, cwd: string): string {
  if (/^[a-z][a-z0-9+.-]+:/i.test(module) && !isAbsolute(module)) {
    return module;
  }
  return pathToFileURL(resolve(cwd, module)).href;
}

function isMethod(value: unknown): boolean {
  if (typeof value !== "object" || value === null) return false;
  const m = value as Record<string, unknown>;
  return typeof m.name === "string" && m.name !== "" &&
    typeof m.start === "function" && typeof m.continue === "function";
}

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
