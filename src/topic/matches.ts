/**
 * Matching one topic name against one topic filter.
 *
 * @module
 */

const SLASH = 0x2f;
const PLUS = 0x2b;
const HASH = 0x23;
const DOLLAR = 0x24;

/**
 * Whether topic name `topic` matches topic filter `filter` (both assumed
 * valid; pass the inner filter of a shared subscription). `+` matches one
 * level, `#` any number including the parent level (`a/#` matches `a`)
 * [MQTT-4.7.1-2]; a filter starting with a wildcard never matches a topic
 * starting with `$` [MQTT-4.7.2-1]. Allocates nothing.
 *
 * @example
 * ```ts
 * import { matches } from "./matches.ts";
 * matches("a/+/c", "a/b/c"); // true
 * matches("a/#", "a"); // true
 * matches("#", "$SYS/uptime"); // false
 * ```
 */
export function matches(filter: string, topic: string): boolean {
  const fl = filter.length;
  const tl = topic.length;
  const first = filter.charCodeAt(0);
  if (
    topic.charCodeAt(0) === DOLLAR && (first === PLUS || first === HASH)
  ) return false;
  let f = 0;
  let t = 0;
  for (;;) {
    // Both indexes are at the start of a level.
    const c = filter.charCodeAt(f);
    if (c === HASH) return true;
    if (c === PLUS) {
      f++;
      const end = topic.indexOf("/", t);
      t = end < 0 ? tl : end;
    } else {
      while (f < fl && t < tl) {
        const fc = filter.charCodeAt(f);
        if (fc === SLASH) break;
        if (fc !== topic.charCodeAt(t)) return false;
        f++;
        t++;
      }
      const fEnd = f === fl || filter.charCodeAt(f) === SLASH;
      const tEnd = t === tl || topic.charCodeAt(t) === SLASH;
      if (!fEnd || !tEnd) return false;
    }
    if (f === fl) return t === tl;
    if (t === tl) {
      // The filter goes on: only a trailing "/#" also matches the parent.
      return f + 2 === fl && filter.charCodeAt(f + 1) === HASH;
    }
    f++;
    t++;
  }
}
