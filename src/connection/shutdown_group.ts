/**
 * `createShutdownGroup`: one `abort` listener on the server signal for all
 * connections, instead of one listener each (adding and removing thousands
 * of listeners on one `AbortSignal` is slow on Deno).
 *
 * @module
 */

/** Callbacks run once when the server signal aborts. */
export interface ShutdownGroup {
  /**
   * Run `onAbort` when the signal aborts (at once if it already has).
   * Returns the function that removes it again.
   */
  add(onAbort: () => void): () => void;
}

/**
 * Group shutdown callbacks under one listener on `signal`.
 *
 * @example
 * ```ts
 * import { createShutdownGroup } from "./shutdown_group.ts";
 * const root = new AbortController();
 * const group = createShutdownGroup(root.signal);
 * let closed = 0;
 * group.add(() => closed++);
 * const remove = group.add(() => closed++);
 * remove();
 * root.abort();
 * if (closed !== 1) throw new Error("expected one callback");
 * ```
 */
export function createShutdownGroup(signal: AbortSignal): ShutdownGroup {
  const live = new Set<() => void>();
  signal.addEventListener("abort", () => {
    const all = [...live];
    live.clear();
    for (const onAbort of all) onAbort();
  }, { once: true });
  return {
    add(onAbort) {
      if (signal.aborted) {
        onAbort();
        return () => {};
      }
      live.add(onAbort);
      return () => live.delete(onAbort);
    },
  };
}
