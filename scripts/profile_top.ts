/**
 * Summarise a V8 `.cpuprofile` (from `deno run --cpu-prof` or
 * `bun --cpu-prof`): the functions with the most self time, and the files
 * with the most self time.
 *
 *   deno run -A scripts/profile_top.ts CPU.123.cpuprofile [--top 25]
 *   deno run -A scripts/profile_top.ts CPU.123.cpuprofile --callers writeString
 *
 * @module
 */

import { readFileSync } from "node:fs";
import process from "node:process";

interface ProfileNode {
  id: number;
  callFrame: {
    functionName: string;
    url: string;
    lineNumber: number;
  };
  children?: number[];
}

interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

function shortUrl(url: string): string {
  const i = url.indexOf("/main/");
  if (i >= 0) return url.slice(i + 6);
  return url.replace(/^.*node_modules\//, "nm:").replace(/^ext:/, "ext:");
}

function top(map: Map<string, number>, total: number, n: number): string[] {
  return [...map.entries()].sort((a, b) => b[1] - a[1]).slice(0, n).map((
    [k, v],
  ) => `${(v / total * 100).toFixed(1).padStart(5)}%  ${k}`);
}

function main(): void {
  const args = process.argv.slice(2);
  const file = args.find((a) => !a.startsWith("--"));
  const topN = Number(args[args.indexOf("--top") + 1]) || 25;
  if (!file) {
    process.stderr.write("usage: profile_top.ts FILE.cpuprofile [--top N]\n");
    process.exit(2);
  }
  const prof = JSON.parse(readFileSync(file, "utf8")) as Profile;
  const byId = new Map(prof.nodes.map((n) => [n.id, n]));
  const selfUs = new Map<number, number>();
  prof.samples.forEach((id, i) => {
    selfUs.set(id, (selfUs.get(id) ?? 0) + (prof.timeDeltas[i] ?? 0));
  });
  const fn = new Map<string, number>();
  const files = new Map<string, number>();
  let total = 0;
  for (const [id, us] of selfUs) {
    const f = byId.get(id)!.callFrame;
    const where = f.url ? `${shortUrl(f.url)}:${f.lineNumber + 1}` : "";
    const key = `${f.functionName || "(anonymous)"} ${where}`;
    fn.set(key, (fn.get(key) ?? 0) + us);
    const fk = f.url ? shortUrl(f.url) : f.functionName;
    files.set(fk, (files.get(fk) ?? 0) + us);
    total += us;
  }
  const callersOf = args[args.indexOf("--callers") + 1];
  if (args.includes("--callers") && callersOf) {
    const parent = new Map<number, number>();
    for (const n of prof.nodes) {
      for (const c of n.children ?? []) parent.set(c, n.id);
    }
    const byCaller = new Map<string, number>();
    let sum = 0;
    for (const [id, us] of selfUs) {
      if (byId.get(id)!.callFrame.functionName !== callersOf) continue;
      // Walk up to the first frame with a different name.
      let p = parent.get(id);
      while (p && byId.get(p)!.callFrame.functionName === callersOf) {
        p = parent.get(p);
      }
      const chain: string[] = [];
      for (let q = p, k = 0; q && k < 3; q = parent.get(q), k++) {
        const f = byId.get(q)!.callFrame;
        chain.push(
          `${f.functionName || "(anonymous)"} ${shortUrl(f.url)}:${
            f.lineNumber + 1
          }`,
        );
      }
      const key = chain.join(" <- ");
      byCaller.set(key, (byCaller.get(key) ?? 0) + us);
      sum += us;
    }
    process.stdout.write(
      [
        `callers of ${callersOf} (${(sum / total * 100).toFixed(1)}% self)`,
        ...top(byCaller, total, topN),
      ]
        .join("\n") + "\n",
    );
    return;
  }
  const out = [
    `total sampled ${(total / 1e6).toFixed(2)} s`,
    "-- self time by function --",
    ...top(fn, total, topN),
    "-- self time by file --",
    ...top(files, total, 15),
  ];
  process.stdout.write(out.join("\n") + "\n");
}

main();
