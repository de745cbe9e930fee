/**
 * MQTT 5 properties as readable NATS headers, so NATS applications see and
 * set them without parsing `Jetmq-Props` (issue #5 item 12, reference
 * §11.4): `Jetmq-Content-Type`, `Jetmq-Payload-Format` (`0`/`1`),
 * `Jetmq-Correlation-Data` (base64), and each user property as a plain
 * header of its own name, repeated keys kept in order. Names that are not
 * header tokens, or that NATS, nats-server or we interpret (`Nats-`,
 * `Nmqtt-`, `Jetmq-`), and values with CR/LF are left out here; MQTT
 * receivers get the exact properties from `Jetmq-Props` anyway. The
 * Response Topic is the NATS reply subject, not a header.
 *
 * @module
 */

import type { MsgHdrs } from "@nats-io/transport-node";
import type { MessageProperties } from "../types.ts";
import {
  HDR_CONTENT_TYPE,
  HDR_CORRELATION,
  HDR_PAYLOAD_FORMAT,
} from "./_names.ts";

/** One header line: name and value. */
export type HeaderLine = readonly [name: string, value: string];

const RESERVED = ["nats-", "nmqtt-", "jetmq-"];

/**
 * Whether `name` travels as a plain header: a header token (printable
 * ASCII but `:`) outside the prefixes NATS, nats-server and jetmq read.
 */
export function isUserHeader(name: string): boolean {
  if (name.length === 0) return false;
  for (let i = 0; i < name.length; i++) {
    const c = name.charCodeAt(i);
    if (c < 33 || c > 126 || c === 58) return false;
  }
  const lower = name.toLowerCase();
  return !RESERVED.some((prefix) => lower.startsWith(prefix));
}

const representable = (value: string) => !/[\r\n]/.test(value);

/** Add the readable headers of `p` to `h`. */
export function appendPropertyHeaders(
  h: MsgHdrs,
  p: MessageProperties,
): void {
  if (p.contentType !== undefined && representable(p.contentType)) {
    h.set(HDR_CONTENT_TYPE, p.contentType);
  }
  if (p.payloadFormatIndicator !== undefined) {
    h.set(HDR_PAYLOAD_FORMAT, String(p.payloadFormatIndicator));
  }
  if (p.correlationData !== undefined) {
    h.set(HDR_CORRELATION, toBase64(p.correlationData));
  }
  for (const [name, value] of p.userProperties ?? []) {
    if (isUserHeader(name) && representable(value)) h.append(name, value);
  }
}

/**
 * Properties from the readable headers of a message a NATS application
 * published (no `Jetmq-Props`); undefined when it carries none.
 */
export function propertiesFromHeaders(
  lines: Iterable<HeaderLine>,
): MessageProperties | undefined {
  const p: MessageProperties = {};
  const user: [string, string][] = [];
  let any = false;
  for (const [name, value] of lines) {
    const lower = name.toLowerCase();
    if (lower === "jetmq-content-type") {
      p.contentType = value;
    } else if (lower === "jetmq-payload-format") {
      if (value !== "0" && value !== "1") continue;
      p.payloadFormatIndicator = value === "1" ? 1 : 0;
    } else if (lower === "jetmq-correlation-data") {
      const bytes = fromBase64(value);
      if (bytes === undefined) continue; // Not base64: leave it out.
      p.correlationData = bytes;
    } else if (isUserHeader(name)) {
      user.push([name, value]);
    } else {
      continue;
    }
    any = true;
  }
  if (user.length > 0) p.userProperties = user;
  return any ? p : undefined;
}

/** Every line of nats.js headers, repeated keys in order. */
export function msgHdrsLines(h: MsgHdrs): HeaderLine[] {
  const out: HeaderLine[] = [];
  for (const name of h.keys()) {
    for (const value of h.values(name)) out.push([name, value]);
  }
  return out;
}

/** Base64 of `bytes` (correlation data in headers and `Jetmq-Props`). */
export function toBase64(bytes: Uint8Array): string {
  let bin = "";
  for (const b of bytes) bin += String.fromCharCode(b);
  return btoa(bin);
}

/** Bytes of base64 `text`; undefined if it is not base64. */
export function fromBase64(text: string): Uint8Array | undefined {
  let bin: string;
  try {
    bin = atob(text);
  } catch {
    return undefined; // Malformed: the caller drops the value.
  }
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}
