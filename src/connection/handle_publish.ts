/**
 * Inbound PUBLISH: topic (and v5 alias) checks, then QoS 0 fire-and-forget,
 * QoS 1 PUBACK once durable, QoS 2 PUBREC once recorded. Many may be in
 * flight to the backend at once; acks leave in arrival order.
 *
 * @module
 */

import {
  type Message,
  type MessageProperties,
  QuotaExceededError,
} from "../backend/types.ts";
import { ReasonCode } from "../codec/reason_codes.ts";
import type { Packet, Properties, PublishPacket } from "../codec/types.ts";
import { PacketType } from "../codec/types.ts";
import { validateTopicName } from "../topic/mod.ts";
import { closeConnection } from "./close.ts";
import { type Connected, type ConnectionState, problem } from "./state.ts";

/** Handle a PUBLISH; a returned promise asks the reader to wait. */
export function handlePublish(
  st: ConnectionState,
  c: Connected,
  p: PublishPacket,
): Promise<void> | void {
  const topic = resolveTopic(st, c, p);
  if (topic === undefined) return;
  if (!validateTopicName(topic)) {
    // Wildcards or bad characters in a topic name [MQTT-3.3.2-2].
    return fail(st, ReasonCode.TopicNameInvalid, "Invalid topic name");
  }
  if (!c.permissions.canPublish(topic)) return deny(st, c, p, topic);
  const props = p.properties;
  if (
    props?.responseTopic !== undefined &&
    !validateTopicName(props.responseTopic)
  ) {
    // A Response Topic is a topic name: no wildcards [MQTT-3.3.2-14].
    return fail(st, ReasonCode.ProtocolError, "Invalid Response Topic");
  }
  if (props?.payloadFormatIndicator === 1 && !isUtf8(st, p.payload)) {
    // §3.3.2.3.2: a receiver that checks refuses a payload that is not
    // UTF-8 with 0x99 (ack for QoS > 0, else DISCONNECT).
    if (p.qos === 0) {
      return fail(st, ReasonCode.PayloadFormatInvalid, "Payload not UTF-8");
    }
    return ackNow(st, c, p, ReasonCode.PayloadFormatInvalid, "Not UTF-8");
  }
  const message: Message = {
    topic,
    payload: p.payload,
    qos: p.qos,
    retain: p.retain,
    origin: c.clientId,
  };
  if (props) {
    const mp = messageProperties(props);
    if (mp) message.properties = mp;
    if (props.messageExpiryInterval !== undefined) {
      message.expiresAt = st.now() + props.messageExpiryInterval * 1000;
    }
  }
  if (p.qos === 0) {
    const routed = st.router.publish(message);
    // Only a retained message can be refused by a quota: no closure for
    // the others.
    if (message.retain) {
      routed.catch((err) => retainedQoS0Refused(st, message, err));
    } else routed.catch(st.onPublishError);
    return;
  }
  return publishAcked(st, c, p, message);
}

/**
 * A PUBLISH the client may not make: not routed, not retained. v5 answers
 * QoS 1/2 with 0x87 Not authorized (§3.4.2.1, §3.5.2.1); 3.1/3.1.1 have no
 * such code, so QoS 1/2 are acknowledged as usual and the message dropped,
 * as nats-server does (3.1.1 allows this or closing [MQTT-3.3.5-2]). QoS 0
 * is dropped. Counted and logged at debug.
 */
function deny(
  st: ConnectionState,
  c: Connected,
  p: PublishPacket,
  topic: string,
): void {
  st.metrics.inc("jetmq_publish_denied_total");
  st.logger.debug("PUBLISH not authorized", { clientId: c.clientId, topic });
  if (p.qos === 0) return;
  const code = st.version === 5 ? ReasonCode.NotAuthorized : ReasonCode.Success;
  ackNow(st, c, p, code, "Not authorized");
}

function publishAcked(
  st: ConnectionState,
  c: Connected,
  p: PublishPacket,
  message: Message,
): Promise<void> | void {
  const packetId = p.packetId!;
  const duplicate = p.qos === 2 && c.qos2Pending.has(packetId);
  if (!duplicate) {
    if (c.inflight >= st.limits.receiveMaximum && st.version === 5) {
      // The client exceeded ours, announced in CONNACK [MQTT-3.3.4-7].
      return fail(st, ReasonCode.ReceiveMaximumExceeded, undefined);
    }
    c.inflight++;
    if (p.qos === 2) c.qos2Pending.add(packetId);
  }
  const publish = (m: Message) =>
    p.qos === 1 ? st.router.publish(m) : c.session.receiveQoS2(packetId, m);
  const failed = (
    err: unknown,
  ): Packet | undefined | Promise<Packet | undefined> => {
    if (err instanceof QuotaExceededError) {
      // A retained bound refused it as a whole: v5 says so with 0x97;
      // 3.1.1 cannot, so it is routed but not retained (README).
      if (st.version === 5) {
        return ackPacket(st, c, p, err.reasonCode, "Retained quota exceeded");
      }
      return publish(unretained(message)).then(acked, failed);
    }
    st.logger.error("Cannot publish", { error: String(err) });
    if (st.version === 5) {
      return ackPacket(st, c, p, ReasonCode.UnspecifiedError, "Cannot store");
    }
    // 3.1.1 has no way to say it failed: close, the client retries.
    closeConnection(st, { publishWill: true });
    return undefined;
  };
  // 0: the backend knows nobody got a copy, 0x10 in v5 (3.1.1 has no code).
  const acked = (reached: number | boolean | void) =>
    ackPacket(st, c, p, reached === 0 ? ReasonCode.NoMatchingSubscribers : 0);
  c.acks.push(publish(message).then(acked, failed));
  // Bound what we hold for the backend even for clients that ignore ours.
  if (c.acks.size >= st.limits.receiveMaximum) return c.acks.progress();
}

/**
 * A retained QoS 0 PUBLISH failed. Refused by a retained quota, v5 drops
 * it (counted by the backend); 3.1.1 cannot be told, so it is routed but
 * not retained.
 */
function retainedQoS0Refused(
  st: ConnectionState,
  message: Message,
  err: unknown,
): void {
  if (!(err instanceof QuotaExceededError)) return st.onPublishError(err);
  if (st.version === 5) return;
  st.router.publish(unretained(message)).catch(st.onPublishError);
}

/** `message` routed without its retained copy (3.1.1 over a quota). */
function unretained(message: Message): Message {
  return { ...message, retain: false };
}

/** The PUBACK (QoS 1) or PUBREC (QoS 2) for `p`. */
function ackPacket(
  st: ConnectionState,
  c: Connected,
  p: PublishPacket,
  reasonCode: ReasonCode,
  reasonString?: string,
): Packet {
  if (p.qos === 1) {
    c.inflight--;
  } else if (reasonCode >= 0x80 && c.qos2Pending.delete(p.packetId!)) {
    // A failed PUBREC ends the exchange [MQTT-4.3.3].
    c.inflight--;
  }
  const code = st.version === 5 && reasonCode !== 0 ? reasonCode : undefined;
  const properties = reasonString === undefined
    ? undefined
    : problem(st, c, reasonString);
  const packetId = p.packetId!;
  return p.qos === 1
    ? { type: PacketType.PUBACK, packetId, reasonCode: code, properties }
    : { type: PacketType.PUBREC, packetId, reasonCode: code, properties };
}

function ackNow(
  st: ConnectionState,
  c: Connected,
  p: PublishPacket,
  reasonCode: ReasonCode,
  reasonString: string,
): void {
  if (p.qos === 1) c.inflight++;
  c.acks.push(
    Promise.resolve(ackPacket(st, c, p, reasonCode, reasonString)),
  );
}

/** The topic, after v5 topic aliases; undefined when closing. */
function resolveTopic(
  st: ConnectionState,
  c: Connected,
  p: PublishPacket,
): string | undefined {
  const alias = p.properties?.topicAlias;
  if (alias === undefined) {
    if (p.topic !== "") return p.topic;
    fail(st, ReasonCode.ProtocolError, "Empty topic without alias");
    return undefined;
  }
  if (alias === 0 || alias > st.limits.topicAliasMaximum) {
    // [MQTT-3.3.2-8] [MQTT-3.3.2-9]
    fail(st, ReasonCode.TopicAliasInvalid, "Topic alias out of range");
    return undefined;
  }
  if (p.topic !== "") {
    c.inboundAliases[alias] = p.topic;
    return p.topic;
  }
  const topic = c.inboundAliases[alias];
  if (topic === undefined) {
    fail(st, ReasonCode.ProtocolError, "Unknown topic alias");
  }
  return topic;
}

function messageProperties(p: Properties): MessageProperties | undefined {
  if (
    p.payloadFormatIndicator === undefined && p.contentType === undefined &&
    p.responseTopic === undefined && p.correlationData === undefined &&
    p.userProperties === undefined
  ) return undefined;
  const m: MessageProperties = {};
  if (p.payloadFormatIndicator !== undefined) {
    m.payloadFormatIndicator = p.payloadFormatIndicator;
  }
  if (p.contentType !== undefined) m.contentType = p.contentType;
  if (p.responseTopic !== undefined) m.responseTopic = p.responseTopic;
  if (p.correlationData !== undefined) m.correlationData = p.correlationData;
  if (p.userProperties !== undefined) m.userProperties = p.userProperties;
  return m;
}

function isUtf8(st: ConnectionState, payload: Uint8Array): boolean {
  st.utf8 ??= new TextDecoder("utf-8", { fatal: true });
  try {
    st.utf8.decode(payload);
    return true;
  } catch {
    return false;
  }
}

function fail(
  st: ConnectionState,
  reasonCode: ReasonCode,
  reasonString: string | undefined,
): void {
  st.metrics.inc("jetmq_protocol_errors_total");
  closeConnection(st, { reasonCode, reasonString, publishWill: true });
}
