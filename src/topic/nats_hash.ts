/**
 * The 8-character hash nats-server derives from a client ID (session
 * subjects, consumer names) and from a server name (node id).
 *
 * @module
 */

import { createHash } from "node:crypto";

const ALPHABET =
  "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

/**
 * Hashes `name` exactly as nats-server does (reference §2.7): SHA-256 of its
 * UTF-8 bytes; each of the first 8 bytes, modulo 62, indexes `0-9A-Za-z`.
 * Synchronous. Different names can collide (`cid-03579431`, `cid-09191235`).
 *
 * @example
 * ```ts
 * import { natsHash } from "./nats_hash.ts";
 * natsHash("sub"); // "ZCesaM56"
 * ```
 */
export function natsHash(name: string): string {
  const digest = createHash("sha256").update(name, "utf8").digest();
  let out = "";
  for (let i = 0; i < 8; i++) out += ALPHABET[digest[i] % 62];
  return out;
}
