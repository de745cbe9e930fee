/**
 * Run work once per burst: many calls within one turn of the event loop
 * (a chunk of NATS deliveries, a chunk of PUBACKs) schedule one call of
 * `fn` on a microtask.
 *
 * @module
 */

/** A scheduler that calls `fn` once after the current burst of calls. */
export function coalesce(fn: () => void): () => void {
  let due = false;
  const run = () => {
    due = false;
    fn();
  };
  return () => {
    if (due) return;
    due = true;
    queueMicrotask(run);
  };
}
