/**
 * MQTT topic ↔ NATS subject conversion, as nats-server does it (HEAD, since
 * 2.10): `/` separates levels, an empty level becomes a `/` token, an MQTT
 * `.` becomes `//`, whitespace and DEL are refused. See
 * nats-mqtt-reference.md §1.
 *
 * @module
 */

const SLASH = 0x2f;
const DOT = 0x2e;
const PLUS = 0x2b;
const HASH = 0x23;

/** Options of `filterToSubjects`. */
export interface FilterToSubjectsOptions {
  /**
   * Filters whose subject starts with this are refused (our own internal
   * subjects). Default `"$MQTT."`; `""` disables the check.
   */
  internalPrefix?: string;
}

/** Whitespace nats-server refuses in topics, and DEL. */
function isRefused(c: number): boolean {
  return c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d || c === 0x0c ||
    c === 0x7f;
}

/**
 * §1.1 character by character. Returns `undefined` on a refused character
 * or, unless `wildcards`, on `+`/`#`.
 */
function convert(text: string, wildcards: boolean): string | undefined {
  const length = text.length;
  if (length === 0) return undefined;
  let out = "";
  let from = 0; // start of the pending run copied verbatim
  let lastOut = -1; // last code unit appended to `out`
  for (let i = 0; i < length; i++) {
    const c = text.charCodeAt(i);
    let piece: string;
    if (c === SLASH) {
      const prev = i === from ? lastOut : text.charCodeAt(i - 1);
      if (i === 0 || prev === DOT) piece = "/.";
      else if (i === length - 1 || text.charCodeAt(i + 1) === SLASH) {
        piece = "./";
      } else piece = ".";
    } else if (c === DOT) piece = "//";
    else if (c === PLUS || c === HASH) {
      if (!wildcards) return undefined;
      piece = c === PLUS ? "*" : ">";
    } else if (isRefused(c)) return undefined;
    else continue;
    out += text.slice(from, i) + piece;
    from = i + 1;
    lastOut = piece.charCodeAt(piece.length - 1);
  }
  out += text.slice(from);
  return out.charCodeAt(out.length - 1) === DOT ? out + "/" : out;
}

/**
 * Converts a PUBLISH or Will topic to the NATS subject nats-server would
 * use. Returns `undefined` for a topic it refuses: empty, `+`/`#`, a
 * whitespace character (space, tab, CR, LF, FF) or DEL. A literal `*` or `>`
 * level is kept; refusing it is the caller's policy.
 *
 * @example
 * ```ts
 * import { topicToSubject } from "./nats_subject.ts";
 * topicToSubject("foo/bar"); // "foo.bar"
 * topicToSubject("spBv1.0/plant1"); // "spBv1//0.plant1"
 * topicToSubject("foo bar"); // undefined
 * ```
 */
export function topicToSubject(topic: string): string | undefined {
  return convert(topic, false);
}

/**
 * Converts a topic filter to the NATS subjects carrying its interest: one,
 * or two for a filter ending in `/#` with a level before it, whose `#` also
 * matches the parent level (`foo/#` → `foo.>` and `foo`; reference §1.4).
 * Returns `undefined` when nats-server would answer 0x80: a refused
 * character, a subject NATS rejects (`>` not last), or an internal subject.
 * Pass the inner filter of `$share/…`: this function gives it no meaning.
 *
 * @example
 * ```ts
 * import { filterToSubjects } from "./nats_subject.ts";
 * filterToSubjects("foo/#"); // ["foo.>", "foo"]
 * filterToSubjects("+/x"); // ["*.x"]
 * filterToSubjects("foo/#/bar"); // undefined
 * ```
 */
export function filterToSubjects(
  filter: string,
  options: FilterToSubjectsOptions = {},
): string[] | undefined {
  const subject = convert(filter, true);
  if (subject === undefined) return undefined;
  const internal = options.internalPrefix ?? "$MQTT.";
  if (internal !== "" && subject.startsWith(internal)) return undefined;
  const wide = subject.indexOf(">");
  if (wide >= 0 && wide < subject.length - 1) {
    // ">" as a whole token must be the last one.
    for (let i = wide; i >= 0; i = subject.indexOf(">", i + 1)) {
      const whole = (i === 0 || subject.charCodeAt(i - 1) === DOT) &&
        (i === subject.length - 1 || subject.charCodeAt(i + 1) === DOT);
      if (whole && i !== subject.length - 1) return undefined;
    }
  }
  if (subject.length > 2 && subject.endsWith(".>")) {
    return [subject, subject.slice(0, -2)];
  }
  return [subject];
}

/**
 * Converts a NATS subject to the MQTT topic delivered for it (reference
 * §1.2): `.` → `/`, `/.` → `/`, `//` → `.`, any other `/` dropped. The exact
 * inverse of `topicToSubject`; lossy for foreign subjects (`a/b` → `ab`).
 *
 * @example
 * ```ts
 * import { subjectToTopic } from "./nats_subject.ts";
 * subjectToTopic("foo.bar"); // "foo/bar"
 * subjectToTopic("/.foo"); // "/foo"
 * subjectToTopic("spBv1//0.x"); // "spBv1.0/x"
 * ```
 */
export function subjectToTopic(subject: string): string {
  if (subject.indexOf("/") < 0) return subject.replaceAll(".", "/");
  let out = "";
  let from = 0;
  const length = subject.length;
  for (let i = 0; i < length; i++) {
    const c = subject.charCodeAt(i);
    if (c === DOT) {
      out += subject.slice(from, i) + "/";
      from = i + 1;
    } else if (c === SLASH) {
      const next = i + 1 < length ? subject.charCodeAt(i + 1) : -1;
      out += subject.slice(from, i) +
        (next === DOT ? "/" : next === SLASH ? "." : "");
      if (next === DOT || next === SLASH) i++;
      from = i + 1;
    }
  }
  return out + subject.slice(from);
}

/**
 * Whether a subscription on NATS filter `subject` is *reserved*: `*`, `>` or
 * starting with `*.` (MQTT `+`, `#`, `+/…`). Reserved subscriptions never
 * receive subjects starting with `$` ([MQTT-4.7.2-1], reference §1.5).
 *
 * @example
 * ```ts
 * import { isReservedSubscription } from "./nats_subject.ts";
 * isReservedSubscription("*.x"); // true
 * isReservedSubscription("$SYS.>"); // false
 * ```
 */
export function isReservedSubscription(subject: string): boolean {
  return subject === "*" || subject === ">" || subject.startsWith("*.");
}
