/**
 * Encoding of messages and subscription options into SQLite columns.
 *
 * @module
 */

import type { QoS, RetainHandling, UserProperty } from "../../codec/types.ts";
import type {
  Message,
  MessageProperties,
  SubscriptionOptions,
} from "../types.ts";

/** The columns a message is stored in (table `messages` and `retained`). */
export interface MessageRow {
  topic: string;
  payload: Uint8Array;
  qos: number;
  props: string | null;
  expires_at: number | null;
  origin: string | null;
}

interface PropsJson {
  f?: 0 | 1;
  t?: string;
  r?: string;
  c?: string;
  u?: UserProperty[];
}

function toHex(bytes: Uint8Array): string {
  let s = "";
  for (const b of bytes) s += b.toString(16).padStart(2, "0");
  return s;
}

function fromHex(text: string): Uint8Array {
  const out = new Uint8Array(text.length >> 1);
  for (let i = 0; i < out.length; i++) {
    out[i] = parseInt(text.slice(i * 2, i * 2 + 2), 16);
  }
  return out;
}

/** Properties as compact JSON, or null when there are none. */
export function encodeProperties(
  p: MessageProperties | undefined,
): string | null {
  if (p === undefined) return null;
  const json: PropsJson = {};
  let any = false;
  if (p.payloadFormatIndicator !== undefined) {
    json.f = p.payloadFormatIndicator;
    any = true;
  }
  if (p.contentType !== undefined) (json.t = p.contentType), (any = true);
  if (p.responseTopic !== undefined) (json.r = p.responseTopic), (any = true);
  if (p.correlationData !== undefined) {
    json.c = toHex(p.correlationData);
    any = true;
  }
  if (p.userProperties !== undefined) (json.u = p.userProperties), (any = true);
  return any ? JSON.stringify(json) : null;
}

/** The inverse of `encodeProperties`. */
export function decodeProperties(
  text: string | null,
): MessageProperties | undefined {
  if (text === null) return undefined;
  const json = JSON.parse(text) as PropsJson;
  const p: MessageProperties = {};
  if (json.f !== undefined) p.payloadFormatIndicator = json.f;
  if (json.t !== undefined) p.contentType = json.t;
  if (json.r !== undefined) p.responseTopic = json.r;
  if (json.c !== undefined) p.correlationData = fromHex(json.c);
  if (json.u !== undefined) {
    p.userProperties = json.u.map(([k, v]) => [k, v] as const);
  }
  return p;
}

/** A message as its row columns. */
export function toRow(m: Message): MessageRow {
  return {
    topic: m.topic,
    payload: m.payload,
    qos: m.qos,
    props: encodeProperties(m.properties),
    expires_at: m.expiresAt ?? null,
    origin: m.origin ?? null,
  };
}

/** A row back into a message with the given RETAIN flag. */
export function fromRow(row: MessageRow, retain: boolean): Message {
  const m: Message = {
    topic: row.topic,
    // Bun hands out Buffers; callers expect plain Uint8Arrays.
    payload: row.payload.constructor === Uint8Array
      ? row.payload
      : new Uint8Array(row.payload),
    qos: row.qos as QoS,
    retain,
  };
  const properties = decodeProperties(row.props);
  if (properties !== undefined) m.properties = properties;
  if (row.expires_at !== null) m.expiresAt = Number(row.expires_at);
  if (row.origin !== null) m.origin = row.origin;
  return m;
}

/** Subscription options as compact JSON. */
export function encodeOptions(o: SubscriptionOptions): string {
  return JSON.stringify([
    o.qos,
    o.noLocal ? 1 : 0,
    o.retainAsPublished ? 1 : 0,
    o.retainHandling,
    o.subscriptionId ?? 0,
  ]);
}

/** The inverse of `encodeOptions`. */
export function decodeOptions(text: string): SubscriptionOptions {
  const [qos, noLocal, rap, rh, id] = JSON.parse(text) as number[];
  const o: SubscriptionOptions = {
    qos: qos as QoS,
    noLocal: noLocal === 1,
    retainAsPublished: rap === 1,
    retainHandling: rh as RetainHandling,
  };
  if (id !== 0) o.subscriptionId = id;
  return o;
}
