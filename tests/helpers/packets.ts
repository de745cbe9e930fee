/**
 * Comparing packets in tests: decoders leave optional fields undefined on
 * hot paths (PUBLISH keeps one object shape), so compare without them.
 *
 * @module
 */

import assert from "node:assert/strict";
import { MqttError } from "../../src/codec/mod.ts";

/** Deep copy without undefined-valued keys; bytes become plain arrays. */
export function normalize(value: unknown): unknown {
  if (value instanceof Uint8Array) return Array.from(value);
  if (Array.isArray(value)) return value.map(normalize);
  if (value !== null && typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      if (v !== undefined) out[k] = normalize(v);
    }
    return out;
  }
  return value;
}

/** Asserts two packets are equal ignoring undefined fields. */
export function assertPacketEqual(
  actual: unknown,
  expected: unknown,
  message?: string,
): void {
  assert.deepStrictEqual(normalize(actual), normalize(expected), message);
}

/** Space-separated hex of bytes. */
export function toHex(bytes: Uint8Array): string {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join(" ");
}

/** Asserts `fn` throws an MqttError with `reasonCode`; returns it. */
export function assertMqttError(
  fn: () => unknown,
  reasonCode: number,
  message?: string,
): MqttError {
  try {
    fn();
  } catch (err) {
    assert.ok(
      err instanceof MqttError,
      `${message ?? ""}: expected MqttError, got ${err}`,
    );
    assert.equal(
      err.reasonCode,
      reasonCode,
      `${message ?? ""}: ${err.message}`,
    );
    return err;
  }
  assert.fail(
    `${message ?? ""}: expected MqttError 0x${reasonCode.toString(16)}`,
  );
}
