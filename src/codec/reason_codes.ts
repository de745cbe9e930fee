/**
 * MQTT 5.0 reason codes (spec §2.4) and the one mapping to 3.1.1 CONNACK
 * return codes.
 *
 * @module
 */

/** Every reason code of MQTT 5.0, by its spec name. */
export const ReasonCode = {
  Success: 0x00,
  NormalDisconnection: 0x00,
  GrantedQoS0: 0x00,
  GrantedQoS1: 0x01,
  GrantedQoS2: 0x02,
  DisconnectWithWillMessage: 0x04,
  NoMatchingSubscribers: 0x10,
  NoSubscriptionExisted: 0x11,
  ContinueAuthentication: 0x18,
  ReAuthenticate: 0x19,
  UnspecifiedError: 0x80,
  MalformedPacket: 0x81,
  ProtocolError: 0x82,
  ImplementationSpecificError: 0x83,
  UnsupportedProtocolVersion: 0x84,
  ClientIdentifierNotValid: 0x85,
  BadUserNameOrPassword: 0x86,
  NotAuthorized: 0x87,
  ServerUnavailable: 0x88,
  ServerBusy: 0x89,
  Banned: 0x8a,
  ServerShuttingDown: 0x8b,
  BadAuthenticationMethod: 0x8c,
  KeepAliveTimeout: 0x8d,
  SessionTakenOver: 0x8e,
  TopicFilterInvalid: 0x8f,
  TopicNameInvalid: 0x90,
  PacketIdentifierInUse: 0x91,
  PacketIdentifierNotFound: 0x92,
  ReceiveMaximumExceeded: 0x93,
  TopicAliasInvalid: 0x94,
  PacketTooLarge: 0x95,
  MessageRateTooHigh: 0x96,
  QuotaExceeded: 0x97,
  AdministrativeAction: 0x98,
  PayloadFormatInvalid: 0x99,
  RetainNotSupported: 0x9a,
  QoSNotSupported: 0x9b,
  UseAnotherServer: 0x9c,
  ServerMoved: 0x9d,
  SharedSubscriptionsNotSupported: 0x9e,
  ConnectionRateExceeded: 0x9f,
  MaximumConnectTime: 0xa0,
  SubscriptionIdentifiersNotSupported: 0xa1,
  WildcardSubscriptionsNotSupported: 0xa2,
} as const;
/** A reason code byte. */
export type ReasonCode = typeof ReasonCode[keyof typeof ReasonCode];

/** 3.1 / 3.1.1 CONNACK return codes ([MQTT-3.2.2-4], table 3.1). */
export const ConnectReturnCode = {
  Accepted: 0,
  UnacceptableProtocolVersion: 1,
  IdentifierRejected: 2,
  ServerUnavailable: 3,
  BadUserNameOrPassword: 4,
  NotAuthorized: 5,
} as const;
/** A 3.1.1 CONNACK return code. */
export type ConnectReturnCode =
  typeof ConnectReturnCode[keyof typeof ConnectReturnCode];

/**
 * The one mapping from a v5 CONNACK reason code to the 3.1.1 return code.
 *
 * @example
 * ```ts
 * import { toConnectReturnCode, ReasonCode } from "./reason_codes.ts";
 * toConnectReturnCode(ReasonCode.NotAuthorized); // 5
 * ```
 */
export function toConnectReturnCode(code: ReasonCode): ConnectReturnCode {
  switch (code) {
    case ReasonCode.Success:
      return ConnectReturnCode.Accepted;
    case ReasonCode.UnsupportedProtocolVersion:
      return ConnectReturnCode.UnacceptableProtocolVersion;
    case ReasonCode.ClientIdentifierNotValid:
      return ConnectReturnCode.IdentifierRejected;
    case ReasonCode.BadUserNameOrPassword:
    case ReasonCode.BadAuthenticationMethod:
      return ConnectReturnCode.BadUserNameOrPassword;
    case ReasonCode.NotAuthorized:
    case ReasonCode.Banned:
      return ConnectReturnCode.NotAuthorized;
    default:
      return ConnectReturnCode.ServerUnavailable;
  }
}

/** The inverse, used when decoding a 3.1.1 CONNACK (clients, tests). */
export function fromConnectReturnCode(code: number): ReasonCode {
  switch (code) {
    case ConnectReturnCode.Accepted:
      return ReasonCode.Success;
    case ConnectReturnCode.UnacceptableProtocolVersion:
      return ReasonCode.UnsupportedProtocolVersion;
    case ConnectReturnCode.IdentifierRejected:
      return ReasonCode.ClientIdentifierNotValid;
    case ConnectReturnCode.ServerUnavailable:
      return ReasonCode.ServerUnavailable;
    case ConnectReturnCode.BadUserNameOrPassword:
      return ReasonCode.BadUserNameOrPassword;
    case ConnectReturnCode.NotAuthorized:
      return ReasonCode.NotAuthorized;
    default:
      return ReasonCode.UnspecifiedError;
  }
}
