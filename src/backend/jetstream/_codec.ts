/**
 * Message ↔ NATS headers. `Nmqtt-Pub` carries the QoS exactly as
 * nats-server writes it; what MQTT 5 and jetmq add travels in `Jetmq-*`
 * headers (reference §11.4), so nats-server MQTT nodes ignore it.
 *
 * @module
 */

import { headers, type MsgHdrs } from "@nats-io/transport-node";
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

const QOS_CHARS = ["0", "1", "2"] as const;

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
    h.set(HDR_PROPS, encodeProperties(message.properties));
  }
  return h;
}

/** QoS of `Nmqtt-Pub` (first character), 0 without the header. */
export function headerQoS(h: MsgHdrs | undefined): QoS {
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
  h: MsgHdrs | undefined,
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
  if (props) {
    const parsed = decodeProperties(props);
    if (parsed) message.properties = { ...message.properties, ...parsed };
  }
  return message;
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
  if (w.cd !== undefined) p.correlationData = fromBase64(w.cd);
  if (w.up) p.userProperties = w.up.map(([name, value]) => [name, value]);
  return p;
}

function toBase64(bytes: Uint8Array): string {
  let bin = "";
  for (const b of bytes) bin += String.fromCharCode(b);
  return btoa(bin);
}

function fromBase64(text: string): Uint8Array {
  const bin = atob(text);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
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
  const t = reply.split(".");
  const o = t.length === 9 ? 2 : t.length >= 11 ? 4 : -1;
  if (o < 0) return undefined;
  return {
    stream: t[o],
    consumer: t[o + 1],
    delivered: Number(t[o + 2]),
    streamSeq: Number(t[o + 3]),
    pending: Number(t[o + 6]),
  };
}
