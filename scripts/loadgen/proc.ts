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

/** CPU use of this process and of `pid` between `start()` and `stop()`. */
export interface CpuMeter {
  /** Fractions of one core: `{ self, broker }`. */
  stop(): { self: number; broker: number };
}

/** Start measuring CPU shares from now. */
export function startCpuMeter(pid: number | undefined): CpuMeter {
  const t0 = performance.now();
  const s0 = cpuSeconds("self");
  const b0 = pid ? cpuSeconds(pid) : NaN;
  return {
    stop() {
      const secs = (performance.now() - t0) / 1000;
      return {
        self: (cpuSeconds("self") - s0) / secs,
        broker: pid ? (cpuSeconds(pid) - b0) / secs : NaN,
      };
    },
  };
}
