/**
 * NATS subject matching (`*` one token, `>` the rest), without splitting.
 *
 * @module
 */

/** Whether NATS `subject` matches NATS `filter`. */
export function natsMatch(filter: string, subject: string): boolean {
  const fl = filter.length;
  const sl = subject.length;
  let f = 0;
  let s = 0;
  for (;;) {
    const fEnd = nextDot(filter, f);
    const sEnd = nextDot(subject, s);
    const token = filter.slice(f, fEnd);
    if (token === ">") return s < sl;
    if (token !== "*") {
      if (fEnd - f !== sEnd - s || !subject.startsWith(token, s)) return false;
    }
    f = fEnd + 1;
    s = sEnd + 1;
    if (f > fl || s > sl) return f > fl && s > sl;
  }
}

function nextDot(text: string, from: number): number {
  const i = text.indexOf(".", from);
  return i < 0 ? text.length : i;
}
