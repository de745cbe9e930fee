/**
 * AUTH (v5 enhanced authentication): the steps after CONNECT, and
 * re-authentication once connected, through `authenticator.continue`
 * (§4.12).
 *
 * @module
 */

import type { AuthResult, Credentials } from "../auth/types.ts";
import { ReasonCode } from "../codec/reason_codes.ts";
import type { AuthPacket, ConnectPacket } from "../codec/types.ts";
import { PacketType } from "../codec/types.ts";
import { closeConnection } from "./close.ts";
import { grantPermissions } from "./grant_permissions.ts";
import { refuse } from "./connack.ts";
import { afterAuth, authenticate } from "./handle_connect.ts";
import type { ConnectionState, Phase } from "./state.ts";

type Authenticating = Extract<Phase, { name: "authenticating" }>;

function credentials(
  st: ConnectionState,
  connect: ConnectPacket,
  p: AuthPacket,
): Credentials {
  return {
    clientId: connect.clientId,
    username: connect.username,
    password: connect.password,
    remote: st.conn.remote,
    method: p.properties?.authenticationMethod,
    data: p.properties?.authenticationData,
  };
}

function step(st: ConnectionState, creds: Credentials): Promise<AuthResult> {
  const auth = st.options.authenticator;
  return authenticate(st, () => {
    if (!auth?.continue) {
      return Promise.resolve({
        ok: false,
        reasonCode: ReasonCode.BadAuthenticationMethod,
      });
    }
    return auth.continue(creds);
  });
}

/** AUTH while the CONNECT exchange is still going on. */
export async function handleAuthConnecting(
  st: ConnectionState,
  phase: Authenticating,
  p: AuthPacket,
): Promise<void> {
  const method = p.properties?.authenticationMethod;
  if (
    method !== phase.method ||
    p.reasonCode !== ReasonCode.ContinueAuthentication
  ) {
    // Same method for the whole exchange (§4.12).
    return refuse(st, ReasonCode.ProtocolError);
  }
  const result = await step(st, credentials(st, phase.connect, p));
  const { connect } = phase;
  return afterAuth(
    st,
    connect,
    result,
    connect.clientId,
    phase.assignedClientId,
  );
}

/** AUTH once connected: re-authentication (0x19) [MQTT-4.12.1-1]. */
export async function handleAuthConnected(
  st: ConnectionState,
  connect: ConnectPacket,
  p: AuthPacket,
): Promise<void> {
  const method = connect.properties?.authenticationMethod;
  if (
    method === undefined ||
    p.properties?.authenticationMethod !== method ||
    (p.reasonCode !== ReasonCode.ReAuthenticate &&
      p.reasonCode !== ReasonCode.ContinueAuthentication)
  ) {
    return closeConnection(st, {
      reasonCode: ReasonCode.ProtocolError,
      reasonString: "Unexpected AUTH",
      publishWill: true,
    });
  }
  const creds = credentials(st, connect, p);
  const auth = st.options.authenticator;
  // 0x19 starts a new exchange; 0x18 continues the current one.
  const result = p.reasonCode === ReasonCode.ReAuthenticate && auth
    ? await authenticate(st, () => auth.authenticate(creds))
    : await step(st, creds);
  if (st.phase.name !== "connected") return;
  if (result.ok === false) {
    return closeConnection(st, {
      reasonCode: result.reasonCode,
      reasonString: result.reason,
      publishWill: true,
    });
  }
  if (result.ok === true && result.permissions !== undefined) {
    // The method's new permissions replace those of the CONNECT; a Will
    // they deny ends the connection without being published.
    const phase = st.phase;
    const granted = grantPermissions(st, connect, phase.clientId, result);
    if ("refusal" in granted) {
      return closeConnection(st, {
        reasonCode: granted.refusal,
        reasonString: granted.reason,
        publishWill: false,
      });
    }
    phase.permissions = granted;
  }
  st.out.write({
    type: PacketType.AUTH,
    reasonCode: result.ok === true
      ? ReasonCode.Success
      : ReasonCode.ContinueAuthentication,
    properties: {
      authenticationMethod: method,
      authenticationData: result.data,
    },
  });
}
