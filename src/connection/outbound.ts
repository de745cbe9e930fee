/**
 * Deliveries from the backend, encoded as PUBLISH (or PUBREL) to the client.
 * Called synchronously by the backend, in order.
 *
 * @module
 */

import type { Delivery, DeliverySink } from "../backend/types.ts";
import type { Properties, PublishPacket } from "../codec/types.ts";
import { PacketType } from "../codec/types.ts";
import type { Connected, ConnectionState } from "./state.ts";

/**
 * The sink handed to `Backend.openSession` for this connection. While the
 * client does not read (more than `maxWriteBuffer` bytes waiting), QoS ≥ 1
 * deliveries are held as they came, not encoded: the backend keeps their
 * messages anyway, so a stalled reader costs about `maxWriteBuffer`, not a
 * window of encoded copies. Everything after a held delivery is held too,
 * so order is kept, except QoS 0, which is dropped whenever the buffer is
 * full (on arrival, or when a held one comes to be sent).
 */
export function createDeliverySink(st: ConnectionState): DeliverySink {
  const held: Delivery[] = [];
  let draining = false;
  const full = (): boolean => st.out.buffered > st.limits.maxWriteBuffer;
  const send = (c: Connected, d: Delivery): void => {
    if (d.kind === "pubrel") {
      st.out.write({ type: PacketType.PUBREL, packetId: d.packetId });
    } else {
      deliverPublish(st, c, d);
    }
  };
  const drain = async (): Promise<void> => {
    draining = true;
    try {
      while (held.length > 0) {
        await st.out.ready();
        const phase = st.phase;
        // After close, QoS ≥ 1 stays with the backend for redelivery.
        if (phase.name !== "connected") return void (held.length = 0);
        let i = 0;
        while (i < held.length && (i === 0 || !full())) send(phase, held[i++]);
        held.splice(0, i);
      }
    } finally {
      draining = false;
    }
  };
  return {
    deliver(deliveries) {
      const phase = st.phase;
      // After close, QoS ≥ 1 stays with the backend for redelivery.
      if (phase.name !== "connected") return;
      for (let i = 0; i < deliveries.length; i++) {
        const d = deliveries[i];
        if (held.length > 0 || (d.kind === "publish" && d.qos > 0 && full())) {
          // QoS 0 is dropped while the client does not read, held or not:
          // only the window of QoS ≥ 1 waits, so `held` stays bounded.
          if (d.kind === "publish" && d.qos === 0 && full()) {
            drop(st, phase, d, "jetmq_qos0_dropped_slow_reader_total");
          } else held.push(d);
        } else {
          send(phase, d);
        }
      }
      if (held.length > 0 && !draining) {
        drain().catch((err) =>
          st.logger.error("Cannot send held deliveries", {
            error: String(err),
          })
        );
      }
    },
  };
}

type PublishDelivery = Extract<Delivery, { kind: "publish" }>;

function drop(
  st: ConnectionState,
  c: Connected,
  d: PublishDelivery,
  metric: string,
): void {
  st.metrics.inc(metric);
  // Behave as if sent, so the window moves on [MQTT-3.1.2-25]. Acked on a
  // later microtask: the backend is inside its own delivery loop here.
  const packetId = d.packetId;
  if (packetId !== undefined) {
    Promise.resolve().then(() => c.session.ack(packetId)).catch((err) =>
      st.logger.error("Cannot ack dropped delivery", { error: String(err) })
    );
  }
}

function deliverPublish(
  st: ConnectionState,
  c: Connected,
  d: PublishDelivery,
): void {
  if (!c.permissions.canReceive(d.message.topic)) {
    // A deny filter narrower than the subscription, or a subscription
    // restored from a session made under other rules: live, retained and
    // redelivered messages alike. Acked like any other drop.
    st.logger.debug("Delivery not authorized", {
      clientId: c.clientId,
      topic: d.message.topic,
    });
    return drop(st, c, d, "jetmq_deliveries_denied_total");
  }
  if (d.qos === 0 && st.out.buffered > st.limits.maxWriteBuffer) {
    return drop(st, c, d, "jetmq_qos0_dropped_slow_reader_total");
  }
  const m = d.message;
  let expiry: number | undefined;
  if (m.expiresAt !== undefined) {
    const remaining = m.expiresAt - st.now();
    if (remaining <= 0) return drop(st, c, d, "jetmq_messages_expired_total");
    expiry = Math.ceil(remaining / 1000);
  }
  const packet: PublishPacket = {
    type: PacketType.PUBLISH,
    topic: m.topic,
    payload: m.payload,
    qos: d.qos,
    retain: d.retain,
    dup: d.dup,
    packetId: d.packetId,
  };
  if (st.version === 5) {
    if (m.properties || expiry !== undefined || d.subscriptionIds) {
      const p: Properties = { ...m.properties };
      // The remaining lifetime is what the receiver sees [MQTT-3.3.2-6].
      if (expiry !== undefined) p.messageExpiryInterval = expiry;
      if (d.subscriptionIds) p.subscriptionIdentifiers = d.subscriptionIds;
      packet.properties = p;
    }
    const fresh = c.outboundAliases ? applyAlias(c, packet) : undefined;
    if (!st.out.write(packet)) {
      // Over the client's Maximum Packet Size [MQTT-3.1.2-25]; an alias
      // introduced by this packet never reached the client.
      if (fresh !== undefined) c.outboundAliases!.forget(fresh);
      // Never silent: the publisher may have had its PUBACK.
      st.logger.warn("Message over the client's Maximum Packet Size dropped", {
        clientId: c.clientId,
        topic: m.topic,
        maximumPacketSize: c.clientMaxPacketSize,
      });
      return drop(st, c, d, "jetmq_messages_too_large_for_client_total");
    }
    return;
  }
  st.out.write(packet);
}

/**
 * Use a topic alias the client allowed [MQTT-3.3.2-11]. Returns the topic
 * when this packet introduces a new alias.
 */
function applyAlias(c: Connected, packet: PublishPacket): string | undefined {
  const topic = packet.topic;
  const found = c.outboundAliases!.lookup(topic);
  if (!found) return undefined;
  const p = packet.properties ?? (packet.properties = {});
  p.topicAlias = found.alias;
  if (!found.known) return topic;
  // QoS 2 keeps its topic: MQTT.js 5 stores QoS 2 packets before resolving
  // aliases and would hand the application an empty topic.
  if (packet.qos !== 2) packet.topic = "";
  return undefined;
}
