/**
 * CONNECT: validation, authentication, session attach (with takeover) and
 * CONNACK.
 *
 * @module
 */

import type { Permissions } from "../auth/permissions.ts";
import type { AuthResult, Credentials } from "../auth/types.ts";
import { MqttError } from "../codec/errors.ts";
import { QuotaExceededError } from "../backend/types.ts";
import { ReasonCode } from "../codec/reason_codes.ts";
import type { ConnectPacket } from "../codec/types.ts";
import { PacketType } from "../codec/types.ts";
import type { Attachment } from "../router/types.ts";
import { validateTopicName } from "../topic/mod.ts";
import { createAckQueue } from "./ack_queue.ts";
import { closeConnection } from "./close.ts";
import {
  type AcceptedProperties,
  connackProperties,
  refuse,
} from "./connack.ts";
import { grantPermissions } from "./grant_permissions.ts";
import { startKeepAlive } from "./keep_alive.ts";
import { createDeliverySink } from "./outbound.ts";
import type { Connected, ConnectionState } from "./state.ts";
import { createOutboundAliases } from "./topic_alias.ts";

/** 3.1 allows client identifiers of 1 to 23 characters. */
const MQTT31_MAX_CLIENT_ID = 23;

/** Handle the first packet, CONNECT. */
export async function handleConnect(
  st: ConnectionState,
  p: ConnectPacket,
): Promise<void> {
  st.version = st.out.version = p.protocolVersion;
  if (p.will !== undefined && !validateTopicName(p.will.topic)) {
    // The Will Topic is a topic name: no wildcards [MQTT-3.3.2-2]
    // [MQTT-4.7.1-1]. v5 refuses with 0x90; 3.x has no code, so it closes.
    if (p.protocolVersion === 5) {
      return refuse(st, ReasonCode.TopicNameInvalid);
    }
    return closeConnection(st, { publishWill: false });
  }
  let clientId = p.clientId;
  let assignedClientId: string | undefined;
  if (clientId === "") {
    // 3.1 requires 1–23 characters; 3.1.1 allows empty only with clean
    // session [MQTT-3.1.3-7] [MQTT-3.1.3-8]; v5 assigns one [MQTT-3.1.3-6].
    if (p.protocolVersion === 3 || (p.protocolVersion === 4 && !p.clean)) {
      return refuse(st, ReasonCode.ClientIdentifierNotValid);
    }
    clientId = st.router.assignClientId();
    if (p.protocolVersion === 5) assignedClientId = clientId;
  } else if (
    p.protocolVersion === 3 && clientId.length > MQTT31_MAX_CLIENT_ID
  ) {
    return refuse(st, ReasonCode.ClientIdentifierNotValid);
  }
  const method = p.properties?.authenticationMethod;
  const credentials: Credentials = {
    clientId,
    username: p.username,
    password: p.password,
    remote: st.conn.remote,
    method,
    data: p.properties?.authenticationData,
  };
  const auth = st.options.authenticator;
  if (method !== undefined && !auth?.continue) {
    return refuse(st, ReasonCode.BadAuthenticationMethod);
  }
  const result: AuthResult = auth
    ? await authenticate(st, () => auth.authenticate(credentials))
    : { ok: true };
  return afterAuth(st, p, result, clientId, assignedClientId);
}

/** Run one authenticator step; a throwing authenticator refuses. */
export async function authenticate(
  st: ConnectionState,
  step: () => Promise<AuthResult>,
): Promise<AuthResult> {
  try {
    return await step();
  } catch (err) {
    st.logger.error("Authenticator failed", { error: String(err) });
    return { ok: false, reasonCode: ReasonCode.ServerUnavailable };
  }
}

/** Act on an authentication result during the CONNECT exchange. */
export function afterAuth(
  st: ConnectionState,
  p: ConnectPacket,
  result: AuthResult,
  clientId: string,
  assignedClientId: string | undefined,
): Promise<void> {
  if (st.phase.name === "closing") return st.closed;
  if (result.ok === true) {
    const granted = grantPermissions(st, p, clientId, result);
    if ("refusal" in granted) {
      return refuse(st, granted.refusal, granted.reason);
    }
    return accept(st, p, clientId, assignedClientId, result.data, granted);
  }
  if (result.ok === false) {
    return refuse(st, result.reasonCode, result.reason);
  }
  const method = p.properties?.authenticationMethod;
  if (st.version !== 5 || method === undefined) {
    return refuse(st, ReasonCode.BadAuthenticationMethod);
  }
  st.phase = {
    name: "authenticating",
    connect: { ...p, clientId },
    method,
    assignedClientId,
  };
  st.out.write({
    type: PacketType.AUTH,
    reasonCode: ReasonCode.ContinueAuthentication,
    properties: {
      authenticationMethod: method,
      authenticationData: result.data,
    },
  });
  return Promise.resolve();
}

/** What the server settles on for one CONNECT. */
interface Terms {
  sessionExpiry: number;
  keepAlive: number;
  /** Set when the server overrides the client's keep-alive (v5). */
  serverKeepAlive: number | undefined;
  /** Outbound QoS ≥ 1 window: the client's Receive Maximum ∧ ours. */
  window: number;
}

function negotiate(st: ConnectionState, p: ConnectPacket): Terms {
  const v5 = st.version === 5;
  // 3.1.1 persistent sessions never expire; clean ones end with the link.
  const sessionExpiry = v5
    ? p.properties?.sessionExpiryInterval ?? 0
    : p.clean
    ? 0
    : 0xffffffff;
  let keepAlive = p.keepAlive;
  let serverKeepAlive: number | undefined;
  const max = st.limits.maxKeepAlive;
  if (v5 && max > 0 && (keepAlive === 0 || keepAlive > max)) {
    keepAlive = serverKeepAlive = max; // Server Keep Alive [MQTT-3.2.2-21]
  }
  const window = Math.max(
    1,
    Math.min(p.properties?.receiveMaximum ?? 65535, st.limits.maxInflight),
  );
  return { sessionExpiry, keepAlive, serverKeepAlive, window };
}

/** Close a connected connection whose session was taken over. */
function takenOver(st: ConnectionState): void {
  void closeConnection(st, {
    reasonCode: ReasonCode.SessionTakenOver,
    reasonString: "Session taken over",
    publishWill: false,
    takenOver: true,
  });
}

/** The successful CONNACK, counted. */
function sendAccepted(
  st: ConnectionState,
  p: ConnectPacket,
  accepted: AcceptedProperties,
  sessionPresent: boolean,
): void {
  st.metrics.inc("jetmq_connections_accepted_total");
  st.out.write({
    type: PacketType.CONNACK,
    sessionPresent,
    reasonCode: ReasonCode.Success,
    properties: connackProperties(st, p, accepted),
  });
}

/** Attach to the session; undefined when the connection is closing. */
async function attach(
  st: ConnectionState,
  p: ConnectPacket,
  clientId: string,
  terms: Terms,
  accepted: AcceptedProperties,
): Promise<Attachment | undefined> {
  let attachment: Attachment;
  try {
    attachment = await st.router.attach({
      clientId,
      clean: p.clean,
      expiry: terms.sessionExpiry,
      window: terms.window,
      sink: createDeliverySink(st),
      will: p.will,
      handle: {
        takeover: () => {
          // Before CONNACK the takeover waits for it, so every connection
          // is accepted first and then taken over, as mosquitto does.
          if (st.phase.name === "connected") takenOver(st);
          else st.takenOverEarly = true;
        },
      },
    });
  } catch (err) {
    if (err instanceof QuotaExceededError) {
      // A new persistent session beyond limits.maxSessions: v5 0x97, 3.1.1
      // return code 3 Server unavailable (its closest).
      await refuse(st, ReasonCode.QuotaExceeded, "Session quota exceeded");
    } else if (err instanceof MqttError) {
      if (st.takenOverEarly && st.phase.name !== "closing") {
        // Taken over before the session was opened: CONNACK, then 0x8E.
        sendAccepted(st, p, accepted, false);
        if (st.version === 5) {
          st.out.write({
            type: PacketType.DISCONNECT,
            reasonCode: ReasonCode.SessionTakenOver,
            properties: { reasonString: "Session taken over" },
          });
        }
      }
      await closeConnection(st, { publishWill: false });
    } else {
      st.logger.error("Cannot open session", { clientId, error: String(err) });
      await refuse(st, ReasonCode.ServerUnavailable);
    }
    return undefined;
  }
  if (st.phase.name !== "closing") return attachment;
  await attachment.release({ expiry: terms.sessionExpiry, publishWill: false });
  return undefined;
}

async function accept(
  st: ConnectionState,
  p: ConnectPacket,
  clientId: string,
  assignedClientId: string | undefined,
  authenticationData: Uint8Array | undefined,
  permissions: Permissions,
): Promise<void> {
  const terms = negotiate(st, p);
  const accepted = {
    clientId,
    assignedClientId,
    serverKeepAlive: terms.serverKeepAlive,
    authenticationData,
  };
  const attachment = await attach(st, p, clientId, terms, accepted);
  if (!attachment) return;
  const { session } = attachment;
  const clientAliases = st.version === 5
    ? p.properties?.topicAliasMaximum ?? 0
    : 0;
  const connected: Connected = {
    name: "connected",
    clientId,
    // Kept for re-authentication; the router holds the will, and the
    // password is not kept for the life of the connection.
    connect: { ...p, clientId, password: undefined, will: undefined },
    attachment,
    session,
    sessionExpiry: terms.sessionExpiry,
    problemInfo: p.properties?.requestProblemInformation !== 0,
    keepAlive: terms.keepAlive,
    inboundAliases: [],
    outboundAliases: clientAliases > 0
      ? createOutboundAliases(clientAliases)
      : undefined,
    permissions,
    clientMaxPacketSize: p.properties?.maximumPacketSize ?? 0,
    acks: createAckQueue((packet) => st.out.write(packet)),
    qos2Pending: new Set(),
    inflight: 0,
    control: Promise.resolve(),
  };
  st.phase = connected;
  // The writer drops what the client could not accept [MQTT-3.1.2-24].
  st.out.maxPacketSize = connected.clientMaxPacketSize;
  // Always 0 after a clean start [MQTT-3.2.2-1] [MQTT-3.2.2-2].
  sendAccepted(st, p, accepted, !p.clean && session.present);
  if (st.takenOverEarly) return takenOver(st);
  startKeepAlive(st, terms.keepAlive);
  session.resume();
}
