/**
 * The shape of golden vectors: named byte sequences, taken from the
 * specifications and from captures of real clients and brokers
 * (`scripts/capture_vectors.ts`, raw logs in `captures/`), never produced by
 * our encoder.
 *
 * @module
 */

import type { Packet, ProtocolVersion } from "../../src/codec/mod.ts";

/** Bytes that decode to `packet`. */
export interface ValidVector {
  name: string;
  /** Version the decoder is in (CONNECT vectors: the level they carry). */
  version: ProtocolVersion;
  /** Normative statement or spec section exercised. */
  spec: string;
  /** Space-separated hex of the whole packet. */
  hex: string;
  packet: Packet;
  /**
   * Our canonical encoding when it differs from the captured bytes (e.g. a
   * v5 PUBREL whose Success reason code the sender spelled out).
   */
  encodedHex?: string;
}

/** Bytes that must fail with an MqttError of `reasonCode`. */
export interface InvalidVector {
  name: string;
  version: ProtocolVersion;
  spec: string;
  hex: string;
  reasonCode: number;
}

/** Joins commented hex fragments into one hex string. */
export function hex(...parts: string[]): string {
  return parts.join(" ").trim().split(/\s+/).join(" ");
}

/** Parses a hex string into bytes. */
export function fromHex(text: string): Uint8Array {
  const parts = text.trim() === "" ? [] : text.trim().split(/\s+/);
  return new Uint8Array(parts.map((b) => parseInt(b, 16)));
}

/** UTF-8 bytes of a string. */
export function utf8(text: string): Uint8Array {
  return new TextEncoder().encode(text);
}
