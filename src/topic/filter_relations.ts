/**
 * Relations between two topic filters: whether one covers the other (every
 * topic the inner one matches, the outer one matches too) and whether they
 * overlap (some topic matches both). Used by topic permissions.
 *
 * @module
 */

/** Whether the first level is a wildcard, which keeps `$` topics out. */
function wildFirst(levels: readonly string[]): boolean {
  return levels[0] === "+" || levels[0] === "#";
}

/**
 * Whether a `#` at level `i` of `levels` cannot match its parent: the parent
 * would be the empty topic name, which is not valid [MQTT-4.7.3-1].
 */
function noParent(levels: readonly string[], i: number): boolean {
  return i === 0 || (i === 1 && levels[0] === "");
}

/** Whether the filter can only match topics starting with `$`. */
function dollarFirst(levels: readonly string[]): boolean {
  return levels[0].startsWith("$");
}

/**
 * Whether every topic name matched by filter `inner` is also matched by
 * filter `outer` (`inner` ⊆ `outer`). Both must be valid, non-shared filters.
 * `#` covers any rest, including the parent level (`a/#` covers `a`); a `#`
 * in `inner` is covered only by `#` at the same level (or, as a whole filter,
 * by `+/#`, which matches the same topics: a `#` whose parent would be the
 * empty topic matches one level or more); a `+` in `inner` only by `+` or
 * `#`. An `outer` starting with a wildcard never covers a filter
 * that matches `$` topics [MQTT-4.7.2-1].
 *
 * @example
 * ```ts
 * import { filterCovers } from "./filter_relations.ts";
 * filterCovers("a/#", "a/+/c"); // true
 * filterCovers("a/+", "a/#"); // false
 * filterCovers("#", "$SYS/uptime"); // false
 * ```
 */
export function filterCovers(outer: string, inner: string): boolean {
  const o = outer.split("/");
  const n = inner.split("/");
  if (wildFirst(o) && dollarFirst(n)) return false;
  for (let i = 0;; i++) {
    if (i < o.length && o[i] === "#") return true;
    if (i === o.length || i === n.length) {
      return i === o.length && i === n.length;
    }
    if (n[i] === "#") {
      // Without its parent, `#` matches one level or more, as `+/#` does.
      return noParent(n, i) && o[i] === "+" && o[i + 1] === "#";
    }
    if (n[i] === "+") {
      if (o[i] !== "+") return false;
    } else if (o[i] !== "+" && o[i] !== n[i]) return false;
  }
}

/**
 * Whether some topic name is matched by both filters `a` and `b` (both valid,
 * non-shared). A filter starting with a wildcard shares no topic with one
 * that only matches `$` topics [MQTT-4.7.2-1].
 *
 * @example
 * ```ts
 * import { filtersOverlap } from "./filter_relations.ts";
 * filtersOverlap("a/+/c", "a/b/#"); // true
 * filtersOverlap("a/+", "a/b/c"); // false
 * filtersOverlap("+/x", "$SYS/x"); // false
 * ```
 */
export function filtersOverlap(a: string, b: string): boolean {
  const x = a.split("/");
  const y = b.split("/");
  if ((wildFirst(x) && dollarFirst(y)) || (wildFirst(y) && dollarFirst(x))) {
    return false;
  }
  for (let i = 0;; i++) {
    // `#` is last and also matches the parent level (zero more levels).
    if (i < x.length && x[i] === "#") return i < y.length || !noParent(x, i);
    if (i < y.length && y[i] === "#") return i < x.length || !noParent(y, i);
    if (i === x.length || i === y.length) {
      return i === x.length && i === y.length;
    }
    if (x[i] !== "+" && y[i] !== "+" && x[i] !== y[i]) return false;
  }
}
