/**
 * Fails when an import breaks the dependency direction of style.md §2, or
 * when `Deno.`/`Bun.` appears in code outside `src/transport/<runtime>/` and
 * `src/cli/`. Reads the module graph from `deno info --json` over main.ts and
 * every non-test file under src/.
 *
 * Usage: deno run -A scripts/check_imports.ts
 *
 * @module
 */

import { execFileSync } from "node:child_process";
import {
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join, relative, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import process from "node:process";

/** The project root: `--root <dir>` (tests), else this script's parent. */
const ROOT = (() => {
  const i = process.argv.indexOf("--root");
  return i >= 0
    ? resolve(process.argv[i + 1])
    : resolve(import.meta.dirname ?? ".", "..");
})();

/**
 * Who may import what. Keys and values are "areas": a folder under src/
 * (`codec`), a single file (`transport/types.ts`), `main.ts`, `node:` for
 * built-ins, or `npm:<package>`. A file may always import its own area.
 */
const ALLOWED: Record<string, string[]> = {
  "main.ts": ["cli", "node:"],
  "codec": [],
  "topic": [],
  "config": ["topic"],
  "observability": [],
  "transport/types.ts": [],
  "transport/accept_queue.ts": ["transport/types.ts"],
  "transport/ws_upgrade.ts": [],
  "transport/deno": [
    "transport/types.ts",
    "transport/accept_queue.ts",
    "transport/ws_upgrade.ts",
  ],
  "transport/bun": [
    "transport/types.ts",
    "transport/accept_queue.ts",
    "transport/ws_upgrade.ts",
  ],
  "transport/memory": ["transport/types.ts", "transport/accept_queue.ts"],
  "transport/nats.ts": ["node:", "npm:@nats-io/transport-node"],
  "auth": ["codec", "topic", "observability", "node:"],
  "connection": [
    "codec",
    "topic",
    "router",
    "auth",
    "observability",
    "transport/types.ts",
    "backend/types.ts",
  ],
  "router": ["backend/types.ts", "topic", "auth", "observability", "codec"],
  "backend/types.ts": ["codec", "topic"],
  "backend": ["backend/types.ts", "topic", "codec", "observability"],
  "backend/embedded": [
    "backend/types.ts",
    "backend",
    "topic",
    "codec",
    "observability",
    "node:",
  ],
  "backend/jetstream": [
    "backend/types.ts",
    "backend",
    "topic",
    "codec",
    "observability",
    "node:",
    "npm:@nats-io/jetstream",
    "npm:@nats-io/kv",
    "npm:@nats-io/transport-node",
    "npm:@nats-io/nats-core",
  ],
  "server": ["*src", "node:", "npm:@nats-io/transport-node"],
  "cli": [
    "config",
    "server",
    "transport/deno",
    "transport/bun",
    "transport/types.ts",
    "observability",
    "node:",
  ],
};

/**
 * Known, reviewed departures (from-area, to-area). Each needs a reason.
 * - topic → node: the NATS client-id hash uses node:crypto's SHA-256
 *   synchronously, as nats-server does; Web Crypto is async only.
 */
const EXCEPTIONS: [string, string][] = [["topic", "node:"]];

/** The area of a src-relative path: the most specific key of ALLOWED. */
function areaOf(rel: string): string {
  if (rel === "main.ts") return rel;
  const path = rel.replace(/^src\//, "");
  const parts = path.split("/");
  for (let i = parts.length; i > 0; i--) {
    const key = parts.slice(0, i).join("/");
    if (key in ALLOWED) return key;
  }
  return `unknown:${parts[0]}`;
}

function targetArea(specifier: string): string {
  if (specifier.startsWith("node:")) return "node:";
  if (specifier.startsWith("file://")) {
    const rel = relative(ROOT, new URL(specifier).pathname);
    const m = rel.match(/(?:^|\/)node_modules\/((?:@[^/]+\/)?[^/]+)/);
    if (m) return `npm:${m[1]}`;
    return rel.startsWith("src/") || rel === "main.ts"
      ? areaOf(rel)
      : `outside:${rel}`;
  }
  return `npm:${specifier}`;
}

function permitted(from: string, to: string): boolean {
  if (from === to) return true;
  const allowed = ALLOWED[from] ?? [];
  if (allowed.includes(to)) return true;
  if (allowed.includes("*src") && !to.startsWith("npm:") && to !== "node:") {
    return to !== "cli" && to !== "main.ts" && !to.startsWith("outside:");
  }
  return EXCEPTIONS.some(([f, t]) => f === from && t === to);
}

/** `_file.ts` is private to its folder (style.md §1). */
function privateFileOutsideFolder(
  fromRel: string,
  specifier: string,
): string | undefined {
  if (!specifier.startsWith("file://")) return undefined;
  const toRel = relative(ROOT, new URL(specifier).pathname);
  if (!toRel.startsWith("src/")) return undefined;
  const slash = toRel.lastIndexOf("/");
  if (!toRel.slice(slash + 1).startsWith("_")) return undefined;
  const fromDir = fromRel.slice(0, fromRel.lastIndexOf("/"));
  if (fromDir === toRel.slice(0, slash)) return undefined;
  return "a _private file of another folder";
}

function walk(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = join(dir, e.name);
    return e.isDirectory() ? walk(p) : e.name.endsWith(".ts") ? [p] : [];
  });
}

function isTest(path: string): boolean {
  return /_test\.ts$/.test(path) || /_bench\.ts$/.test(path);
}

/** Code without comments, so prose about `Deno.*` is not flagged. */
function stripComments(code: string): string {
  return code.replace(/\/\*[\s\S]*?\*\//g, "").replace(
    /(^|[^:"'`])\/\/.*$/gm,
    "$1",
  );
}

const RUNTIME_OK = /^src\/(transport\/(deno|bun)|cli)\//;

function checkText(files: string[]): string[] {
  const problems: string[] = [];
  for (const file of files) {
    const rel = relative(ROOT, file);
    if (RUNTIME_OK.test(rel)) continue;
    const lines = stripComments(readFileSync(file, "utf8")).split("\n");
    lines.forEach((line, i) => {
      if (/(?<![\w.$])(Deno|Bun)\.[A-Za-z]/.test(line)) {
        problems.push(
          `${rel}:${
            i + 1
          }: names Deno./Bun. outside transport/<runtime>/ and cli/`,
        );
      }
    });
  }
  return problems;
}

function checkGraph(files: string[]): string[] {
  const dir = mkdtempSync(join(tmpdir(), "check-imports-"));
  try {
    const entry = join(dir, "all.ts");
    writeFileSync(
      entry,
      files.map((f) => `import ${JSON.stringify(pathToFileURL(f).href)};\n`)
        .join(""),
    );
    const json = execFileSync("deno", ["info", "--json", entry], {
      cwd: ROOT,
      maxBuffer: 256 * 1024 * 1024,
      encoding: "utf8",
    });
    const graph = JSON.parse(json) as {
      modules: {
        specifier: string;
        dependencies?: {
          specifier: string;
          code?: { specifier: string };
          type?: { specifier: string };
        }[];
      }[];
    };
    const problems: string[] = [];
    for (const m of graph.modules) {
      if (!m.specifier.startsWith("file://")) continue;
      const rel = relative(ROOT, new URL(m.specifier).pathname);
      if (!(rel.startsWith("src/") || rel === "main.ts") || isTest(rel)) {
        continue;
      }
      const from = areaOf(rel);
      for (const dep of m.dependencies ?? []) {
        const resolved = dep.code?.specifier ?? dep.type?.specifier ??
          dep.specifier;
        const to = targetArea(resolved);
        const priv = privateFileOutsideFolder(rel, resolved);
        if (priv) {
          problems.push(`${rel}: imports ${dep.specifier} (${priv})`);
        }
        if (!permitted(from, to)) {
          problems.push(
            `${rel}: imports ${dep.specifier} (${from} → ${to} is not allowed)`,
          );
        }
      }
    }
    return problems;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const sources = walk(join(ROOT, "src"));
const main = join(ROOT, "main.ts");
const files = existsSync(main) ? [main, ...sources] : sources;
const entries = files.filter((f) => !isTest(f));
const problems = [...checkGraph(entries), ...checkText(files)];
if (problems.length > 0) {
  process.stderr.write(problems.join("\n") + "\n");
  process.stderr.write(`check_imports: ${problems.length} problem(s)\n`);
  process.exitCode = 1;
} else {
  process.stdout.write(
    `check_imports: ${entries.length} files, dependency direction ok\n`,
  );
}
