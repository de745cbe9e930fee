/**
 * PUBREL from the client: release an inbound QoS 2 packet id, then PUBCOMP
 * [MQTT-4.3.3-2]. An unknown id still gets PUBCOMP (v5: 0x92).
 *
 * @module
 */

import { ReasonCode } from "../codec/reason_codes.ts";
import type { Packet, PubrelPacket } from "../codec/types.ts";
import { PacketType } from "../codec/types.ts";
import { type Connected, type ConnectionState, problem } from "./state.ts";

/** Release the id in order with other pending acks. */
export function handlePubrel(
  st: ConnectionState,
  c: Connected,
  p: PubrelPacket,
): void {
  const packetId = p.packetId;
  if (c.qos2Pending.delete(packetId)) c.inflight--;
  const done = (known: boolean): Packet => ({
    type: PacketType.PUBCOMP,
    packetId,
    reasonCode: !known && st.version === 5
      ? ReasonCode.PacketIdentifierNotFound
      : undefined,
    properties: known ? undefined : problem(st, c, "Unknown packet id"),
  });
  c.acks.push(
    c.session.releaseQoS2(packetId).then(done, (err) => {
      st.logger.error("Cannot release QoS 2 id", {
        clientId: c.clientId,
        packetId,
        error: String(err),
      });
      return undefined;
    }),
  );
}
