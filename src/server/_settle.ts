/**
 * Bounded waiting, private to `server/`.
 *
 * @module
 */

/** True if `p` settled (either way) within `ms`; the timer never outlives it. */
export async function settleWithin(
  p: Promise<unknown>,
  ms: number,
): Promise<boolean> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timedOut = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), ms);
  });
  try {
    return await Promise.race([p.then(() => true, () => true), timedOut]);
  } finally {
    clearTimeout(timer);
  }
}
