/**
 * Topic name and topic filter validation. The rules are the same in MQTT 3.1,
 * 3.1.1 and 5.0; `$share/<group>/<filter>` is accepted for every version
 * (jetmq offers shared subscriptions to 3.1.1 clients too).
 *
 * @module
 */

/** Longest topic name or filter, in UTF-8 bytes [MQTT-4.7.3-3]. */
export const MAX_TOPIC_BYTES = 65535;

/** Prefix of a shared subscription filter [MQTT-4.8.2-1]. */
export const SHARED_PREFIX = "$share/";

const SLASH = 0x2f;
const PLUS = 0x2b;
const HASH = 0x23;

/**
 * Checks the characters shared by names and filters: at least one character
 * [MQTT-4.7.3-1], no U+0000 [MQTT-4.7.3-2], no lone surrogate (not
 * encodable as UTF-8), at most 65535 UTF-8 bytes [MQTT-4.7.3-3]. With
 * `wildcards` false, `+` and `#` are refused [MQTT-4.7.1-1]; with true, they
 * must fill a whole level and `#` must be last [MQTT-4.7.1-2] [MQTT-4.7.1-3].
 */
function checkLevels(text: string, start: number, wildcards: boolean): boolean {
  const length = text.length;
  if (length <= start) return false;
  // Each code unit is at most 3 bytes, so short strings need no byte count.
  let bytes = length - start > MAX_TOPIC_BYTES / 3 ? 0 : -1;
  for (let i = start; i < length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0) return false;
    if (c === PLUS || c === HASH) {
      if (!wildcards) return false;
      if (i > start && text.charCodeAt(i - 1) !== SLASH) return false;
      if (c === HASH) return i === length - 1;
      if (i + 1 < length && text.charCodeAt(i + 1) !== SLASH) return false;
    } else if (c >= 0xd800 && c <= 0xdfff) {
      if (c >= 0xdc00) return false;
      const next = i + 1 < length ? text.charCodeAt(i + 1) : 0;
      if (next < 0xdc00 || next > 0xdfff) return false;
      i++;
      if (bytes >= 0) bytes += 4;
      continue;
    }
    if (bytes >= 0) bytes += c < 0x80 ? 1 : c < 0x800 ? 2 : 3;
  }
  return bytes <= MAX_TOPIC_BYTES;
}

/**
 * Whether `topic` is a valid PUBLISH or Will topic name: non-empty, no
 * wildcard, no U+0000, well-formed, at most 65535 UTF-8 bytes.
 *
 * @example
 * ```ts
 * import { validateTopicName } from "./validate.ts";
 * validateTopicName("sensors/1/temp"); // true
 * validateTopicName("sensors/+/temp"); // false [MQTT-3.3.2-2]
 * ```
 */
export function validateTopicName(topic: string): boolean {
  return checkLevels(topic, 0, false);
}

/**
 * Whether `filter` is a valid SUBSCRIBE/UNSUBSCRIBE topic filter, including
 * the shared form `$share/<group>/<filter>`: the group is non-empty, holds no
 * `/`, `+` or `#`, and is followed by `/` and a valid filter
 * [MQTT-4.8.2-1] [MQTT-4.8.2-2].
 *
 * @example
 * ```ts
 * import { validateFilter } from "./validate.ts";
 * validateFilter("sensors/+/temp"); // true
 * validateFilter("sensors/#/temp"); // false [MQTT-4.7.1-2]
 * validateFilter("$share/g/a/#"); // true
 * validateFilter("$share/g+/a"); // false [MQTT-4.8.2-2]
 * ```
 */
export function validateFilter(filter: string): boolean {
  if (!filter.startsWith(SHARED_PREFIX)) return checkLevels(filter, 0, true);
  const slash = filter.indexOf("/", SHARED_PREFIX.length);
  if (slash <= SHARED_PREFIX.length) return false;
  for (let i = SHARED_PREFIX.length; i < slash; i++) {
    const c = filter.charCodeAt(i);
    if (c === PLUS || c === HASH) return false;
  }
  // The whole string (prefix included) is what goes on the wire.
  return checkLevels(filter, 0, true) && slash + 1 < filter.length;
}
