/**
 * Message ↔ NATS headers. `Nmqtt-Pub` carries the QoS exactly as
 * nats-server writes it; what MQTT 5 and jetmq add travels in `Jetmq-*`
 * headers (reference §11.4), so nats-server MQTT nodes ignore it.
 *
 * @module
 */

import { headers, type Msg, type MsgHdrs } from "@nats-io/transport-node";
import type { QoS } from "../../codec/types.ts";
import { subjectToTopic } from "../../topic/mod.ts";
import type { Message, MessageProperties } from "../types.ts";
import {
  HDR_EXPIRES,
  HDR_ORIGIN,
  HDR_PROPS,
  HDR_PUB,
  HDR_RETAIN,
} from "./_names.ts";
import {
  appendPropertyHeaders,
  fromBase64,
  type HeaderLine,
  msgHdrsLines,
  propertiesFromHeaders,
  toBase64,
} from "./_property_headers.ts";

const QOS_CHARS = ["0", "1", "2"] as const;

/** Read access to a message's headers (`MsgHdrs` or our fast view). */
export interface HeaderView {
  /** The first value of `key` (exact case); empty or undefined if absent. */
  get(key: string): string | undefined;
  /**
   * Every line in order, repeated keys kept; absent on `MsgHdrs` and on
   * views holding only `Nmqtt-Pub` and `Jetmq-Origin`.
   */
  lines?(): Iterable<HeaderLine>;
}

/** Encoded headers of the common case (QoS + origin), reused per publish. */
export interface HeaderCache {
  get(message: Message, qos: QoS): MsgHdrs;
}

/**
 * Create a cache of encoded headers: most messages carry only `Nmqtt-Pub`
 * and an origin, and nats.js would otherwise rebuild and re-encode the
 * same header block for every publish. Bounded (cleared when full).
 */
export function createHeaderCache(limit = 4096): HeaderCache {
  const cache = new Map<string, MsgHdrs>();
  return {
    get(message, qos) {
      if (
        message.expiresAt !== undefined || message.retain ||
        (message.properties && Object.keys(message.properties).length > 0)
      ) return messageHeaders(message, qos);
      const key = `${qos}${message.origin ?? ""}`;
      let h = cache.get(key);
      if (!h) {
        const full = messageHeaders(message, qos) as unknown as {
          encode(): Uint8Array;
        };
        const bytes = full.encode();
        // nats.js only calls encode() on publish headers.
        h = { encode: () => bytes } as unknown as MsgHdrs;
        if (cache.size >= limit) cache.clear();
        cache.set(key, h);
      }
      return h;
    },
  };
}

const latin = new TextDecoder("latin1");
const utf8 = new TextDecoder();

/**
 * The headers of a received message, parsed without nats.js's generic
 * decoder (the hot path of every delivery). Falls back to `msg.headers`.
 * With `memo`, a header block equal to the previous one (a publisher's
 * stream: same QoS, same origin) returns the previous view, unparsed; views
 * are read-only.
 */
export function headerView(
  msg: Msg,
  memo?: HeaderMemo,
): HeaderView | undefined {
  const raw = msg as unknown as {
    _rdata?: Uint8Array;
    _msg?: { hdr?: number };
  };
  const end = raw._msg?.hdr;
  if (raw._rdata === undefined || end === undefined) return msg.headers;
  if (end < 0) return undefined;
  const bytes = raw._rdata.subarray(0, end);
  if (memo?.view && sameBytes(memo.bytes, bytes)) return memo.view;
  const view = parseHeaderBlock(bytes);
  if (memo && bytes.length <= 256) {
    memo.bytes = bytes.slice();
    memo.view = view;
  }
  return view;
}

/** The last header block `headerView` parsed, and its view. */
export interface HeaderMemo {
  bytes: Uint8Array;
  view?: HeaderView;
}

/** A memo for `headerView`, one per consumer of deliveries. */
export function createHeaderMemo(): HeaderMemo {
  return { bytes: new Uint8Array(0) };
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = a.length - 1; i >= 0; i--) if (a[i] !== b[i]) return false;
  return true;
}

function parseHeaderBlock(bytes: Uint8Array): HeaderView {
  let ascii = true;
  for (let i = 0; i < bytes.length; i++) {
    if (bytes[i] > 0x7f) {
      ascii = false;
      break;
    }
  }
  const text = (ascii ? latin : utf8).decode(bytes);
  const map = new Map<string, string>();
  let foreign = false;
  eachLine(text, (key, value) => {
    if (!map.has(key)) map.set(key, value);
    // Headers of NATS applications may be v5 properties (see lines()).
    if (key !== HDR_PUB && key !== HDR_ORIGIN) foreign = true;
  });
  // The common case (only QoS and origin) stays a plain Map.
  return foreign ? Object.assign(map, { lines: () => allLines(text) }) : map;
}

function allLines(text: string): HeaderLine[] {
  const all: HeaderLine[] = [];
  eachLine(text, (key, value) => all.push([key, value]));
  return all;
}

/** Each `key: value` line after the `NATS/1.0` status line, in order. */
function eachLine(
  text: string,
  fn: (key: string, value: string) => void,
): void {
  let at = text.indexOf("\r\n");
  while (at >= 0 && at < text.length) {
    const next = text.indexOf("\r\n", at + 2);
    const line = text.slice(at + 2, next < 0 ? text.length : next);
    const colon = line.indexOf(":");
    if (colon > 0) fn(line.slice(0, colon), line.slice(colon + 1).trim());
    at = next;
  }
}

/** Headers for a core or `$MQTT.msgs.` publish of `message`. */
export function messageHeaders(message: Message, qos: QoS): MsgHdrs {
  const h = headers();
  h.set(HDR_PUB, QOS_CHARS[qos]);
  if (message.origin !== undefined) h.set(HDR_ORIGIN, message.origin);
  if (message.expiresAt !== undefined) {
    h.set(HDR_EXPIRES, String(message.expiresAt));
  }
  if (message.retain) h.set(HDR_RETAIN, "1");
  if (message.properties && Object.keys(message.properties).length > 0) {
    // Exact (order, any name) for MQTT receivers; readable for NATS ones.
    h.set(HDR_PROPS, encodeProperties(message.properties));
    appendPropertyHeaders(h, message.properties);
  }
  return h;
}

/** QoS of `Nmqtt-Pub` (first character), 0 without the header. */
export function headerQoS(h: HeaderView | undefined): QoS {
  const value = h?.get(HDR_PUB);
  const c = value ? value.charCodeAt(0) - 0x30 : 0;
  return c === 1 || c === 2 ? c : 0;
}

/**
 * Rebuild the message delivered on `topic` from its headers. A NATS reply
 * subject (a request) becomes the Response Topic unless one was carried.
 */
export function messageFrom(
  topic: string,
  payload: Uint8Array,
  h: HeaderView | undefined,
  reply?: string,
): Message {
  const message: Message = {
    topic,
    payload,
    qos: headerQoS(h),
    retain: h?.get(HDR_RETAIN) === "1",
  };
  if (reply && !reply.startsWith("$")) {
    message.properties = { responseTopic: subjectToTopic(reply) };
  }
  if (!h) return message;
  const origin = h.get(HDR_ORIGIN);
  if (origin) message.origin = origin;
  const expires = h.get(HDR_EXPIRES);
  if (expires) message.expiresAt = Number(expires);
  const props = h.get(HDR_PROPS);
  const parsed = props ? decodeProperties(props) : readableProperties(h);
  if (parsed) message.properties = { ...message.properties, ...parsed };
  return message;
}

/** Properties a NATS application set as readable headers, if any. */
function readableProperties(h: HeaderView): MessageProperties | undefined {
  if (h.lines) return propertiesFromHeaders(h.lines());
  // Our view without lines() holds nothing but QoS and origin.
  if (h instanceof Map) return undefined;
  return propertiesFromHeaders(msgHdrsLines(h as MsgHdrs));
}

interface WireProps {
  pfi?: number;
  ct?: string;
  rt?: string;
  cd?: string;
  up?: [string, string][];
}

function encodeProperties(p: MessageProperties): string {
  const w: WireProps = {};
  if (p.payloadFormatIndicator !== undefined) w.pfi = p.payloadFormatIndicator;
  if (p.contentType !== undefined) w.ct = p.contentType;
  if (p.responseTopic !== undefined) w.rt = p.responseTopic;
  if (p.correlationData !== undefined) w.cd = toBase64(p.correlationData);
  if (p.userProperties?.length) {
    w.up = p.userProperties.map(([name, value]) => [name, value]);
  }
  return JSON.stringify(w);
}

function decodeProperties(text: string): MessageProperties | undefined {
  let w: WireProps;
  try {
    w = JSON.parse(text);
  } catch {
    return undefined; // A foreign or damaged header: deliver without it.
  }
  const p: MessageProperties = {};
  if (w.pfi !== undefined) p.payloadFormatIndicator = w.pfi as 0 | 1;
  if (w.ct !== undefined) p.contentType = w.ct;
  if (w.rt !== undefined) p.responseTopic = w.rt;
  const cd = w.cd === undefined ? undefined : fromBase64(w.cd);
  if (cd !== undefined) p.correlationData = cd;
  if (w.up) p.userProperties = w.up.map(([name, value]) => [name, value]);
  return p;
}

/** Parsed `$JS.ACK.` reply subject (9 tokens on 2.9, 11+ since 2.10). */
export interface AckInfo {
  stream: string;
  consumer: string;
  delivered: number;
  streamSeq: number;
  pending: number;
}

/** Parse a JetStream ack reply subject; undefined if it is not one. */
export function parseAck(reply: string | undefined): AckInfo | undefined {
  if (!reply || !reply.startsWith("$JS.ACK.")) return undefined;
  // Tokens from the end: <delivered>.<sseq>.<dseq>.<ts>.<pending> follow
  // the consumer on every version; 2.10+ puts domain and account hash
  // before the stream (11+ tokens), 2.9 has none (9), and names hold no dot.
  const dots: number[] = [];
  for (let i = reply.indexOf("."); i >= 0; i = reply.indexOf(".", i + 1)) {
    dots.push(i);
  }
  const n = dots.length + 1;
  const o = n === 9 ? 2 : n >= 11 ? 4 : -1;
  if (o < 0) return undefined;
  const token = (k: number) =>
    reply.slice(dots[k - 1] + 1, k < dots.length ? dots[k] : reply.length);
  return {
    stream: token(o),
    consumer: token(o + 1),
    delivered: Number(token(o + 2)),
    streamSeq: Number(token(o + 3)),
    pending: Number(token(o + 6)),
  };
}
