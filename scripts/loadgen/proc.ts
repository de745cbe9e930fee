/**
 * Process figures from Linux `/proc`: CPU time and resident memory of a pid
 * (the broker's, or our own with `"self"`).
 *
 * @module
 */

import { readFileSync } from "node:fs";

const TICKS_PER_SECOND = 100; // getconf CLK_TCK on Linux x86_64

/** User + system CPU seconds of a process, or NaN when unreadable. */
export function cpuSeconds(pid: number | "self"): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    // Fields after the parenthesised command name; utime is 14, stime 15.
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
  } catch {
    return NaN; // not Linux, or the process is gone: figures become n/a
  }
}

/** VmRSS of a process in KiB, or NaN when unreadable. */
export function rssKiB(pid: number | "self"): number {
  try {
    const status = readFileSync(`/proc/${pid}/status`, "utf8");
    const m = /VmRSS:\s+(\d+) kB/.exec(status);
    return m ? Number(m[1]) : NaN;
  } catch {
    return NaN; // as above
  }
}

/** Busy CPU seconds of the whole machine (all cores), or NaN. */
export function machineBusySeconds(): number {
  try {
    const line = readFileSync("/proc/stat", "utf8").split("\n")[0];
    const f = line.split(/\s+/).slice(1).map(Number);
    // user nice system idle iowait irq softirq steal: busy = all but idle+iowait
    const busy = f.slice(0, 8).reduce((a, b) => a + b, 0) - f[3] - f[4];
    return busy / TICKS_PER_SECOND;
  } catch {
    return NaN; // not Linux
  }
}

/** CPU shares between `startCpuMeter()` and `stop()`, in cores. */
export interface CpuShares {
  self: number;
  broker: number;
  /** Everything else on the machine (other processes, softirq). */
  other: number;
}

/** CPU use of this process and of `pid` between `start()` and `stop()`. */
export interface CpuMeter {
  /** Fractions of one core each. */
  stop(): CpuShares;
}

/** Start measuring CPU shares from now. */
export function startCpuMeter(pid: number | undefined): CpuMeter {
  const t0 = performance.now();
  const s0 = cpuSeconds("self");
  const b0 = pid ? cpuSeconds(pid) : NaN;
  const m0 = machineBusySeconds();
  return {
    stop() {
      const secs = (performance.now() - t0) / 1000;
      const self = (cpuSeconds("self") - s0) / secs;
      const broker = pid ? (cpuSeconds(pid) - b0) / secs : NaN;
      const all = (machineBusySeconds() - m0) / secs;
      return { self, broker, other: all - self - (broker || 0) };
    },
  };
}
