/**
 * The topic permissions of a client being accepted, and the CONNECT-time
 * check of its Will topic against them.
 *
 * @module
 */

import { withIdentity } from "../auth/identity_rules.ts";
import { createPermissions, type Permissions } from "../auth/permissions.ts";
import type { AuthResult } from "../auth/types.ts";
import { ReasonCode } from "../codec/reason_codes.ts";
import type { ConnectPacket } from "../codec/types.ts";
import type { ConnectionState } from "./state.ts";

/**
 * The client's permissions (`%c` / `%u` levels of the rules replaced by its
 * identifier and user name), or a refusal. A Will whose topic the client may
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
    // `%c` / `%u` levels become this client's id and user name.
    const username = result.user ?? p.username;
    permissions = createPermissions(
      withIdentity(result.permissions, { clientId, username }),
    );
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
