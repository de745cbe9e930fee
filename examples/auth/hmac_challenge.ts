/**
 * An example MQTT 5 enhanced authentication method for jetmq: a
 * shared-secret challenge-response with HMAC-SHA256, and mutual: the server
 * proves it knows the secret too, in the CONNACK.
 *
 * 1. CONNECT: Authentication Method `HMAC-SHA256` (or `options.name`),
 *    Authentication Data = the client's nonce (at least 16 bytes).
 * 2. The server answers AUTH 0x18 with its own nonce (32 random bytes).
 * 3. The client sends AUTH 0x18 with
 *    `HMAC-SHA256(secret, "client" ‖ client id ‖ client nonce ‖ server nonce)`.
 * 4. The server checks it (constant time) and accepts with CONNACK 0x00
 *    whose Authentication Data is
 *    `HMAC-SHA256(secret, "server" ‖ client id ‖ client nonce ‖ server nonce)`,
 *    or refuses with 0x87 Not authorized.
 *
 * Re-authentication (AUTH 0x19) runs the same steps. Enable it with
 *
 * ```json
 * { "auth": { "methods": [
 *   { "module": "./examples/auth/hmac_challenge.ts",
 *     "options": { "secret": "change me" } }
 * ] } }
 * ```
 *
 * The module only uses Web Crypto, so it runs on Deno and Bun alike.
 *
 * @module
 */

import type { AuthResult, EnhancedAuthMethod } from "../../src/auth/mod.ts";

/** Options in `auth.methods[i].options`. */
export interface HmacChallengeOptions {
  /** The shared secret (UTF-8). Required. */
  secret: string;
  /** The Authentication Method name (default `HMAC-SHA256`). */
  name?: string;
}

/** 0x87 Not authorized; 0x82 Protocol error (MQTT 5 reason codes). */
const NOT_AUTHORIZED = 0x87;
const PROTOCOL_ERROR = 0x82;
const MIN_CLIENT_NONCE = 16;

const enc = new TextEncoder();

/** Imports `secret` as an HMAC-SHA256 key. */
export function hmacKey(secret: string): Promise<CryptoKey> {
  return crypto.subtle.importKey(
    "raw",
    enc.encode(secret),
    { name: "HMAC", hash: "SHA-256" },
    false,
    ["sign", "verify"],
  );
}

/**
 * The proof of one side (`"client"` or `"server"`) for one exchange:
 * HMAC-SHA256 over the side, client id and both nonces.
 */
export async function proof(
  key: CryptoKey,
  side: "client" | "server",
  clientId: string,
  clientNonce: Uint8Array,
  serverNonce: Uint8Array,
): Promise<Uint8Array> {
  const message = proofInput(side, clientId, clientNonce, serverNonce);
  return new Uint8Array(await crypto.subtle.sign("HMAC", key, message));
}

/** What a proof signs: side, length-prefixed client id, both nonces. */
function proofInput(
  side: "client" | "server",
  clientId: string,
  clientNonce: Uint8Array,
  serverNonce: Uint8Array,
): Uint8Array<ArrayBuffer> {
  const id = enc.encode(clientId);
  const parts = [enc.encode(side), lengthOf(id), id, clientNonce, serverNonce];
  const message = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    message.set(p, at);
    at += p.length;
  }
  return message;
}

/** Two-byte big-endian length, so id and nonce cannot be shifted. */
function lengthOf(bytes: Uint8Array): Uint8Array {
  return new Uint8Array([bytes.length >> 8, bytes.length & 0xff]);
}

/**
 * The factory jetmq calls with `options`. Throws `TypeError` when no
 * secret is given (jetmq then refuses to start, naming the module).
 */
export default function createHmacChallenge(
  options: HmacChallengeOptions,
): EnhancedAuthMethod {
  if (typeof options?.secret !== "string" || options.secret === "") {
    throw new TypeError("Cannot create HMAC-SHA256 method: no secret");
  }
  const key = hmacKey(options.secret);
  return {
    name: options.name ?? "HMAC-SHA256",
    start(data, context): AuthResult {
      if (data === undefined || data.length < MIN_CLIENT_NONCE) {
        return {
          ok: false,
          reasonCode: PROTOCOL_ERROR,
          reason: `client nonce of at least ${MIN_CLIENT_NONCE} bytes needed`,
        };
      }
      const serverNonce = crypto.getRandomValues(new Uint8Array(32));
      context.state.clientNonce = data;
      context.state.serverNonce = serverNonce;
      return { ok: "continue", data: serverNonce };
    },
    async continue(data, context): Promise<AuthResult> {
      const { clientNonce, serverNonce } = context.state as {
        clientNonce?: Uint8Array;
        serverNonce?: Uint8Array;
      };
      const { clientId } = context.credentials;
      if (!clientNonce || !serverNonce || data === undefined) {
        return { ok: false, reasonCode: NOT_AUTHORIZED };
      }
      const k = await key;
      // `verify` compares in constant time.
      const valid = await crypto.subtle.verify(
        "HMAC",
        k,
        data.slice(), // a copy over a plain ArrayBuffer, as Web Crypto types want
        proofInput("client", clientId, clientNonce, serverNonce),
      );
      if (!valid) {
        return { ok: false, reasonCode: NOT_AUTHORIZED, reason: "bad proof" };
      }
      const server = await proof(
        k,
        "server",
        clientId,
        clientNonce,
        serverNonce,
      );
      return { ok: true, data: server };
    },
  };
}
