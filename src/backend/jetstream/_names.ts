/**
 * Stream, subject and header names of the nats-server MQTT layout
 * (nats-mqtt-reference.md §2, §6), under a configurable prefix (default
 * `$MQTT`, as nats-server) so tests can isolate themselves.
 *
 * @module
 */

/** Header carrying the original QoS of an MQTT-published message. */
export const HDR_PUB = "Nmqtt-Pub";
/** Staged QoS 2: the subject after mapping. */
export const HDR_SUBJECT = "Nmqtt-Subject";
/** Outbound PUBREL marker: decimal packet id. */
export const HDR_PUBREL = "Nmqtt-PubRel";
/** Retained record: topic, flags nibble (hex), origin node. */
export const HDR_RTOPIC = "Nmqtt-RTopic";
export const HDR_RFLAGS = "Nmqtt-RFlags";
export const HDR_RORIGIN = "Nmqtt-ROrigin";
/** Our own headers (never `Nmqtt-`, reference §11.4). */
export const HDR_ORIGIN = "Jetmq-Origin";
export const HDR_EXPIRES = "Jetmq-Expires";
export const HDR_RETAIN = "Jetmq-Retain";
export const HDR_PROPS = "Jetmq-Props";
/** v5 properties as readable headers (see `_property_headers.ts`). */
export const HDR_CONTENT_TYPE = "Jetmq-Content-Type";
export const HDR_PAYLOAD_FORMAT = "Jetmq-Payload-Format";
export const HDR_CORRELATION = "Jetmq-Correlation-Data";
/** PUBREL marker: stream sequence of the message it releases. */
export const HDR_SEQ = "Jetmq-Seq";

/** Every name derived from one prefix. */
export interface Names {
  prefix: string;
  msgsStream: string;
  rmsgsStream: string;
  sessStream: string;
  qos2Stream: string;
  outStream: string;
  /** `$MQTT.msgs.` */
  msgs: string;
  rmsgs: string;
  sess: string;
  qos2in: string;
  pubrel: string;
  /** Push delivery subjects of subscription consumers. */
  sub: string;
  /** PUBREL consumer delivery subjects. */
  deliverPubrel: string;
  /** `$MQTT.JSA.` reply subjects. */
  jsa: string;
}

/** Names for `prefix` (`$MQTT` gives exactly nats-server's). */
export function namesFor(prefix: string): Names {
  return {
    prefix,
    msgsStream: `${prefix}_msgs`,
    rmsgsStream: `${prefix}_rmsgs`,
    sessStream: `${prefix}_sess`,
    qos2Stream: `${prefix}_qos2in`,
    outStream: `${prefix}_out`,
    msgs: `${prefix}.msgs.`,
    rmsgs: `${prefix}.rmsgs.`,
    sess: `${prefix}.sess.`,
    qos2in: `${prefix}.qos2.in.`,
    pubrel: `${prefix}.out.pubrel.`,
    sub: `${prefix}.sub.`,
    deliverPubrel: `${prefix}.deliver.pubrel.`,
    jsa: `${prefix}.JSA.`,
  };
}

/**
 * A client id as one subject token: itself when it only has `[A-Za-z0-9_-]`,
 * else `=` and its UTF-8 bytes in hex (no collision: `=` is never kept).
 */
export function clientToken(clientId: string): string {
  if (/^[A-Za-z0-9_-]+$/.test(clientId)) return clientId;
  let out = "=";
  for (const b of new TextEncoder().encode(clientId)) {
    out += b.toString(16).padStart(2, "0");
  }
  return out;
}
