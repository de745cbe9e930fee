/**
 * The one error class of the protocol: an error that is also a reason code,
 * so a decode failure is exactly what goes on the wire.
 *
 * @module
 */

import type { ReasonCode } from "./reason_codes.ts";

/**
 * Thrown for anything that ends a connection: malformed input (0x81),
 * protocol errors (0x82), packet too large (0x95), keep-alive timeout (0x8D),
 * session taken over (0x8E), … Match on `reasonCode`, never on the message.
 *
 * @example
 * ```ts
 * import { MqttError } from "./errors.ts";
 * import { ReasonCode } from "./reason_codes.ts";
 * const err = new MqttError(ReasonCode.MalformedPacket, "Cannot decode PUBLISH: topic overruns packet [MQTT-2.2.2-1]");
 * err.reasonCode; // 0x81
 * ```
 */
export class MqttError extends Error {
  readonly reasonCode: ReasonCode;
  constructor(reasonCode: ReasonCode, message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "MqttError";
    this.reasonCode = reasonCode;
  }
}

/**
 * CONNECT named a protocol or level we do not speak. The connection still
 * owes the client a CONNACK (3.1.1 return code 0x01, v5 reason code 0x84)
 * before closing [MQTT-3.1.2-2], so the error carries what was on the wire.
 *
 * @example
 * ```ts
 * import { UnsupportedProtocolVersionError } from "./errors.ts";
 * const err = new UnsupportedProtocolVersionError("MQTT", 6);
 * err.reasonCode; // 0x84
 * ```
 */
export class UnsupportedProtocolVersionError extends MqttError {
  readonly protocolName: string;
  readonly protocolLevel: number;
  constructor(protocolName: string, protocolLevel: number) {
    super(
      0x84,
      `Cannot decode CONNECT: unsupported protocol ${
        JSON.stringify(protocolName)
      } level ${protocolLevel} [MQTT-3.1.2-2]`,
    );
    this.name = "UnsupportedProtocolVersionError";
    this.protocolName = protocolName;
    this.protocolLevel = protocolLevel;
  }
}
