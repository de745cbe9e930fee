/**
 * The topic permissions of a client being accepted, and the CONNECT-time
 * check of its Will topic against them.
 *
 * @module
 */

import { createPermissions, type Permissions } from "../auth/permissions.ts";
import type { AuthResult } from "../auth/types.ts";
import { ReasonCode } from "../codec/reason_codes.ts";
import type { ConnectPacket } from "../codec/types.ts";
import type { ConnectionState } from "./state.ts";

/**
 * The client's permissions, or a refusal. A Will whose topic the client may
 * not publish to refuses the CONNECT with 0x87 (3.1.1 return code 5), a
 * clear error rather than a Will dropped later without a word. Rules an
 * authentication method got wrong refuse with 0x88, as a failing
 * authenticator does.
 */
export function grantPermissions(
  st: ConnectionState,
  p: ConnectPacket,
  clientId: string,
  result: Extract<AuthResult, { ok: true }>,
): Permissions | { refusal: ReasonCode; reason: string } {
  let permissions: Permissions;
  try {
    permissions = createPermissions(result.permissions);
  } catch (err) {
    st.logger.error("Invalid permissions from authentication", {
      clientId,
      error: String(err),
    });
    return { refusal: ReasonCode.ServerUnavailable, reason: "Bad permissions" };
  }
  if (p.will === undefined || permissions.canPublish(p.will.topic)) {
    return permissions;
  }
  st.metrics.inc("jetmq_publish_denied_total");
  st.logger.debug("Will topic not authorized", {
    clientId,
    topic: p.will.topic,
  });
  return {
    refusal: ReasonCode.NotAuthorized,
    reason: "Will topic not authorized",
  };
}
