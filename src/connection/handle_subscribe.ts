/**
 * SUBSCRIBE: validate each filter, store the subscriptions, SUBACK with the
 * granted QoS (or a failure code per filter), then the retained messages.
 *
 * @module
 */

import type { SubscriptionEntry } from "../backend/types.ts";
import { ReasonCode } from "../codec/reason_codes.ts";
import type { SubscribePacket } from "../codec/types.ts";
import { PacketType } from "../codec/types.ts";
import { isShared, validateFilter } from "../topic/mod.ts";
import { closeConnection } from "./close.ts";
import { type Connected, type ConnectionState, problem } from "./state.ts";

/** Queue the SUBSCRIBE behind earlier SUBSCRIBE/UNSUBSCRIBE packets. */
export function handleSubscribe(
  st: ConnectionState,
  c: Connected,
  p: SubscribePacket,
): void {
  c.control = c.control.then(() => subscribe(st, c, p)).catch((err) => {
    st.logger.error("Cannot subscribe", {
      clientId: c.clientId,
      error: String(err),
    });
    closeConnection(st, {
      reasonCode: ReasonCode.UnspecifiedError,
      publishWill: true,
    });
  });
}

async function subscribe(
  st: ConnectionState,
  c: Connected,
  p: SubscribePacket,
): Promise<void> {
  const v5 = st.version === 5;
  const subscriptionId = p.properties?.subscriptionIdentifiers?.[0];
  const codes: ReasonCode[] = [];
  const entries: SubscriptionEntry[] = [];
  const quota = createQuota(st, c);
  let refusal: string | undefined;
  for (const sub of p.subscriptions) {
    if (!validateFilter(sub.filter)) {
      // 3.1.1 SUBACK 0x80 per bad filter (§3.9.3); v5 0x8F.
      codes.push(
        v5 ? ReasonCode.TopicFilterInvalid : ReasonCode.UnspecifiedError,
      );
      refusal ??= "Invalid topic filter";
      continue;
    }
    if (c.permissions.canSubscribe(sub.filter) === "no") {
      // v5 0x87 (§3.9.3); 3.1/3.1.1 only have 0x80. Narrower deny filters
      // ("filtered") are applied per delivery (outbound.ts).
      codes.push(v5 ? ReasonCode.NotAuthorized : ReasonCode.UnspecifiedError);
      refusal ??= "Not authorized";
      st.metrics.inc("jetmq_subscribe_denied_total");
      st.logger.debug("SUBSCRIBE not authorized", {
        clientId: c.clientId,
        filter: sub.filter,
      });
      continue;
    }
    if (!quota(sub.filter)) {
      // One client must not grow the server without bound.
      codes.push(v5 ? ReasonCode.QuotaExceeded : ReasonCode.UnspecifiedError);
      refusal ??= "Too many subscriptions";
      continue;
    }
    if (v5 && sub.noLocal && isShared(sub.filter)) {
      // [MQTT-3.8.3-4]
      closeConnection(st, {
        reasonCode: ReasonCode.ProtocolError,
        reasonString: "No Local on a shared subscription",
        publishWill: true,
      });
      return;
    }
    codes.push(sub.qos);
    entries.push({
      filter: sub.filter,
      qos: sub.qos,
      noLocal: sub.noLocal ?? false,
      retainAsPublished: sub.retainAsPublished ?? false,
      retainHandling: sub.retainHandling ?? 0,
      subscriptionId,
    });
  }
  const existed = entries.length > 0 ? await c.session.subscribe(entries) : [];
  if (st.phase !== c) return;
  // Granted QoS is what was asked: we support all three (§3.9.3).
  st.out.write({
    type: PacketType.SUBACK,
    packetId: p.packetId,
    reasonCodes: codes,
    properties: refusal !== undefined ? problem(st, c, refusal) : undefined,
  });
  const half = st.limits.maxWriteBuffer / 2;
  await st.router.sendRetained(
    c.session,
    entries,
    existed,
    () => st.out.buffered > half ? st.out.ready() : undefined,
  );
}

/**
 * Whether one more filter fits under `limits.maxSubscriptions` (filters the
 * session holds already are replaced, so they always fit). Counts refusals.
 */
function createQuota(
  st: ConnectionState,
  c: Connected,
): (filter: string) => boolean {
  const held = c.session.subscriptions;
  const max = st.limits.maxSubscriptions ?? Infinity;
  const added = new Set<string>();
  return (filter) => {
    if (held.has(filter) || added.has(filter)) return true;
    if (held.size + added.size >= max) {
      st.metrics.inc("jetmq_subscriptions_refused_total");
      return false;
    }
    added.add(filter);
    return true;
  };
}
