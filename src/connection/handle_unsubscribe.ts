/**
 * UNSUBSCRIBE: remove the subscriptions, then UNSUBACK (v5: a code per
 * filter) [MQTT-3.10.4-4] [MQTT-3.10.4-5].
 *
 * @module
 */

import { ReasonCode } from "../codec/reason_codes.ts";
import type { UnsubscribePacket } from "../codec/types.ts";
import { PacketType } from "../codec/types.ts";
import { validateFilter } from "../topic/mod.ts";
import { closeConnection } from "./close.ts";
import type { Connected, ConnectionState } from "./state.ts";

/** Queue the UNSUBSCRIBE behind earlier SUBSCRIBE/UNSUBSCRIBE packets. */
export function handleUnsubscribe(
  st: ConnectionState,
  c: Connected,
  p: UnsubscribePacket,
): void {
  c.control = c.control.then(() => unsubscribe(st, c, p)).catch((err) => {
    st.logger.error("Cannot unsubscribe", {
      clientId: c.clientId,
      error: String(err),
    });
    closeConnection(st, {
      reasonCode: ReasonCode.UnspecifiedError,
      publishWill: true,
    });
  });
}

async function unsubscribe(
  st: ConnectionState,
  c: Connected,
  p: UnsubscribePacket,
): Promise<void> {
  const valid = p.filters.filter((f) => validateFilter(f));
  const existed = valid.length > 0 ? await c.session.unsubscribe(valid) : [];
  if (st.phase !== c) return;
  let reasonCodes: ReasonCode[] | undefined;
  if (st.version === 5) {
    reasonCodes = [];
    let i = 0;
    for (const filter of p.filters) {
      if (!validateFilter(filter)) {
        reasonCodes.push(ReasonCode.TopicFilterInvalid);
      } else {
        reasonCodes.push(
          existed[i++] ? ReasonCode.Success : ReasonCode.NoSubscriptionExisted,
        );
      }
    }
  }
  st.out.write({
    type: PacketType.UNSUBACK,
    packetId: p.packetId,
    reasonCodes,
  });
}
