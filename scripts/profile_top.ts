/**
 * Summarise a V8 `.cpuprofile` (from `deno run --cpu-prof` or
 * `bun --cpu-prof`): the functions and files with the most self time.
 *
 *   deno run -A scripts/profile_top.ts CPU.123.cpuprofile [--top 25]
 *   deno run -A scripts/profile_top.ts CPU.123.cpuprofile --callers writeString
 *   deno run -A scripts/profile_top.ts CPU.123.cpuprofile --during handlePuback
 *
 * `--during NAME` keeps only the samples between the first and the last one
 * whose stack contains NAME: one phase of a scenario (e.g. the drain of
 * queued messages, not the publishing that filled the queue).
 *
 * @module
 */

import { readFileSync } from "node:fs";
import process from "node:process";

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

interface Loaded {
  byId: Map<number, ProfileNode>;
  parent: Map<number, number>;
  /** Self microseconds per node, for the selected samples. */
  selfUs: Map<number, number>;
  total: number;
  note: string;
}

function shortUrl(url: string): string {
  const i = url.indexOf("/main/");
  if (i >= 0) return url.slice(i + 6);
  return url.replace(/^.*node_modules\//, "nm:");
}

function frameKey(f: ProfileNode["callFrame"]): string {
  const where = f.url ? ` ${shortUrl(f.url)}:${f.lineNumber + 1}` : "";
  return `${f.functionName || "(anonymous)"}${where}`;
}

function top(map: Map<string, number>, total: number, n: number): string[] {
  return [...map.entries()].sort((a, b) => b[1] - a[1]).slice(0, n).map((
    [k, v],
  ) => `${(v / total * 100).toFixed(1).padStart(5)}%  ${k}`);
}

function stackHas(
  l: Omit<Loaded, "selfUs" | "total" | "note">,
  id: number,
  name: string,
): boolean {
  for (let q: number | undefined = id; q; q = l.parent.get(q)) {
    if (l.byId.get(q)!.callFrame.functionName === name) return true;
  }
  return false;
}

function load(file: string, during?: string): Loaded {
  const prof = JSON.parse(readFileSync(file, "utf8")) as Profile;
  const byId = new Map(prof.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of prof.nodes) {
    for (const c of n.children ?? []) parent.set(c, n.id);
  }
  let from = 0;
  let to = prof.samples.length - 1;
  let note = "";
  if (during) {
    const hits = prof.samples.map((id, i) =>
      stackHas({ byId, parent }, id, during) ? i : -1
    )
      .filter((i) => i >= 0);
    if (hits.length === 0) {
      throw new Error(`No sample has ${during} on its stack`);
    }
    [from, to] = [hits[0], hits[hits.length - 1]];
    const us = prof.timeDeltas.slice(from + 1, to + 1).reduce(
      (a, b) => a + b,
      0,
    );
    note = ` during ${during} (${(us / 1000).toFixed(0)} ms of wall time)`;
  }
  const selfUs = new Map<number, number>();
  let total = 0;
  for (let i = from; i <= to; i++) {
    const us = prof.timeDeltas[i] ?? 0;
    selfUs.set(prof.samples[i], (selfUs.get(prof.samples[i]) ?? 0) + us);
    total += us;
  }
  return { byId, parent, selfUs, total, note };
}

function callers(l: Loaded, name: string, n: number): string[] {
  const byCaller = new Map<string, number>();
  let sum = 0;
  for (const [id, us] of l.selfUs) {
    if (l.byId.get(id)!.callFrame.functionName !== name) continue;
    let p = l.parent.get(id);
    while (p && l.byId.get(p)!.callFrame.functionName === name) {
      p = l.parent.get(p);
    }
    const chain: string[] = [];
    for (let q = p, k = 0; q && k < 3; q = l.parent.get(q), k++) {
      chain.push(frameKey(l.byId.get(q)!.callFrame));
    }
    const key = chain.join(" <- ");
    byCaller.set(key, (byCaller.get(key) ?? 0) + us);
    sum += us;
  }
  return [
    `callers of ${name} (${(sum / l.total * 100).toFixed(1)}% self)${l.note}`,
    ...top(byCaller, l.total, n),
  ];
}

function summary(l: Loaded, n: number): string[] {
  const fn = new Map<string, number>();
  const files = new Map<string, number>();
  for (const [id, us] of l.selfUs) {
    const f = l.byId.get(id)!.callFrame;
    const key = frameKey(f);
    fn.set(key, (fn.get(key) ?? 0) + us);
    const fk = f.url ? shortUrl(f.url) : f.functionName;
    files.set(fk, (files.get(fk) ?? 0) + us);
  }
  return [
    `total sampled ${(l.total / 1e6).toFixed(2)} s${l.note}`,
    "-- self time by function --",
    ...top(fn, l.total, n),
    "-- self time by file --",
    ...top(files, l.total, 15),
  ];
}

function main(): void {
  const args = process.argv.slice(2);
  const opt = (k: string) =>
    args.includes(k) ? args[args.indexOf(k) + 1] : undefined;
  const file = args.find((a, i) =>
    !a.startsWith("--") && !args[i - 1]?.startsWith("--")
  );
  if (!file) {
    process.stderr.write(
      "usage: profile_top.ts FILE.cpuprofile [--top N] [--callers FN] [--during FN]\n",
    );
    process.exit(2);
  }
  const n = Number(opt("--top")) || 25;
  const l = load(file, opt("--during"));
  const name = opt("--callers");
  const out = name ? callers(l, name, n) : summary(l, n);
  process.stdout.write(out.join("\n") + "\n");
}

main();
