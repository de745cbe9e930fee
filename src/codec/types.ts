/**
 * Packet model shared by the decoder, the encoder and everything above them.
 *
 * One union covers MQTT 3.1 (level 3), 3.1.1 (level 4) and 5.0 (level 5):
 * fields that only exist in 5.0 are optional and ignored when encoding for an
 * older version.
 *
 * @module
 */

import type { ReasonCode } from "./reason_codes.ts";

/** The wire value of the packet type nibble. */
export const PacketType = {
  CONNECT: 1,
  CONNACK: 2,
  PUBLISH: 3,
  PUBACK: 4,
  PUBREC: 5,
  PUBREL: 6,
  PUBCOMP: 7,
  SUBSCRIBE: 8,
  SUBACK: 9,
  UNSUBSCRIBE: 10,
  UNSUBACK: 11,
  PINGREQ: 12,
  PINGRESP: 13,
  DISCONNECT: 14,
  AUTH: 15,
} as const;
/** A packet type nibble. */
export type PacketType = typeof PacketType[keyof typeof PacketType];

/** Protocol level byte: 3 = MQTT 3.1 (`MQIsdp`), 4 = 3.1.1, 5 = 5.0. */
export type ProtocolVersion = 3 | 4 | 5;

/** Quality of service. */
export type QoS = 0 | 1 | 2;

/** A v5 user property; order and repeated keys are significant. */
export type UserProperty = readonly [key: string, value: string];

/**
 * Every MQTT 5.0 property, by its spec name in camelCase. Which ones may
 * appear in which packet is checked by the codec ([MQTT-2.2.2-2]).
 */
export interface Properties {
  payloadFormatIndicator?: 0 | 1; // 0x01
  messageExpiryInterval?: number; // 0x02, seconds
  contentType?: string; // 0x03
  responseTopic?: string; // 0x08
  correlationData?: Uint8Array; // 0x09
  /** 0x0B; several may appear on PUBLISH (server to client). */
  subscriptionIdentifiers?: number[];
  sessionExpiryInterval?: number; // 0x11, seconds
  assignedClientIdentifier?: string; // 0x12
  serverKeepAlive?: number; // 0x13, seconds
  authenticationMethod?: string; // 0x15
  authenticationData?: Uint8Array; // 0x16
  requestProblemInformation?: 0 | 1; // 0x17
  willDelayInterval?: number; // 0x18, seconds
  requestResponseInformation?: 0 | 1; // 0x19
  responseInformation?: string; // 0x1A
  serverReference?: string; // 0x1C
  reasonString?: string; // 0x1F
  receiveMaximum?: number; // 0x21
  topicAliasMaximum?: number; // 0x22
  topicAlias?: number; // 0x23
  maximumQoS?: 0 | 1; // 0x24
  retainAvailable?: 0 | 1; // 0x25
  userProperties?: UserProperty[]; // 0x26
  maximumPacketSize?: number; // 0x27
  wildcardSubscriptionAvailable?: 0 | 1; // 0x28
  subscriptionIdentifiersAvailable?: 0 | 1; // 0x29
  sharedSubscriptionAvailable?: 0 | 1; // 0x2A
}

/** The Will message carried by CONNECT. */
export interface Will {
  topic: string;
  payload: Uint8Array;
  qos: QoS;
  retain: boolean;
  /** v5 Will properties (will delay, expiry, content type, …). */
  properties?: Properties;
}

export interface ConnectPacket {
  type: typeof PacketType.CONNECT;
  /** `MQTT` for levels 4 and 5, `MQIsdp` for level 3. */
  protocolName: string;
  protocolVersion: ProtocolVersion;
  /** Clean Session (3.x) or Clean Start (5.0). */
  clean: boolean;
  keepAlive: number;
  clientId: string;
  will?: Will;
  username?: string;
  password?: Uint8Array;
  properties?: Properties;
}

export interface ConnackPacket {
  type: typeof PacketType.CONNACK;
  sessionPresent: boolean;
  /** A v5 reason code; encoded as the 3.1.1 return code for older levels. */
  reasonCode: ReasonCode;
  properties?: Properties;
}

export interface PublishPacket {
  type: typeof PacketType.PUBLISH;
  /** May be empty in v5 when a topic alias is used. */
  topic: string;
  payload: Uint8Array;
  qos: QoS;
  retain: boolean;
  dup: boolean;
  /** Present iff qos > 0. */
  packetId?: number;
  properties?: Properties;
}

/** PUBACK, PUBREC, PUBREL and PUBCOMP share one shape. */
export interface AckPacket<
  T extends
    | typeof PacketType.PUBACK
    | typeof PacketType.PUBREC
    | typeof PacketType.PUBREL
    | typeof PacketType.PUBCOMP,
> {
  type: T;
  packetId: number;
  /** v5 only; absent means Success (0x00). */
  reasonCode?: ReasonCode;
  properties?: Properties;
}
export type PubackPacket = AckPacket<typeof PacketType.PUBACK>;
export type PubrecPacket = AckPacket<typeof PacketType.PUBREC>;
export type PubrelPacket = AckPacket<typeof PacketType.PUBREL>;
export type PubcompPacket = AckPacket<typeof PacketType.PUBCOMP>;

/** v5 Retain Handling: 0 send on subscribe, 1 only if new, 2 never. */
export type RetainHandling = 0 | 1 | 2;

export interface Subscription {
  filter: string;
  qos: QoS;
  /** v5 subscription options; false/0 for older versions. */
  noLocal?: boolean;
  retainAsPublished?: boolean;
  retainHandling?: RetainHandling;
}

export interface SubscribePacket {
  type: typeof PacketType.SUBSCRIBE;
  packetId: number;
  subscriptions: Subscription[];
  properties?: Properties;
}

export interface SubackPacket {
  type: typeof PacketType.SUBACK;
  packetId: number;
  /** Granted QoS (0, 1, 2) or a failure code (0x80 and v5 codes ≥ 0x80). */
  reasonCodes: ReasonCode[];
  properties?: Properties;
}

export interface UnsubscribePacket {
  type: typeof PacketType.UNSUBSCRIBE;
  packetId: number;
  filters: string[];
  properties?: Properties;
}

export interface UnsubackPacket {
  type: typeof PacketType.UNSUBACK;
  packetId: number;
  /** v5 only: one code per filter. */
  reasonCodes?: ReasonCode[];
  properties?: Properties;
}

export interface PingreqPacket {
  type: typeof PacketType.PINGREQ;
}

export interface PingrespPacket {
  type: typeof PacketType.PINGRESP;
}

export interface DisconnectPacket {
  type: typeof PacketType.DISCONNECT;
  /** v5 only; absent means Normal disconnection (0x00). */
  reasonCode?: ReasonCode;
  properties?: Properties;
}

export interface AuthPacket {
  type: typeof PacketType.AUTH;
  /** v5 only packet; absent means Success (0x00). */
  reasonCode?: ReasonCode;
  properties?: Properties;
}

/** Any MQTT control packet. */
export type Packet =
  | ConnectPacket
  | ConnackPacket
  | PublishPacket
  | PubackPacket
  | PubrecPacket
  | PubrelPacket
  | PubcompPacket
  | SubscribePacket
  | SubackPacket
  | UnsubscribePacket
  | UnsubackPacket
  | PingreqPacket
  | PingrespPacket
  | DisconnectPacket
  | AuthPacket;
