/**
 * Enhanced authentication (MQTT 5 AUTH exchanges) through pluggable methods,
 * and `createAuthenticator`, which routes each CONNECT to its method or to
 * the password check.
 *
 * @module
 */

import { ReasonCode } from "../codec/mod.ts";
import type { Authenticator, AuthResult, Credentials } from "./types.ts";
import {
  createPasswordAuthenticator,
  type PasswordAuthOptions,
} from "./password.ts";

/** What a method sees at each step of one connection's exchange. */
export interface AuthContext {
  readonly credentials: Credentials;
  /** Scratch space of this exchange: the same object at every step. */
  readonly state: Record<string, unknown>;
}

/**
 * One enhanced authentication method (SCRAM, a token check, …). Each step
 * answers `{ ok: "continue", data }` (send AUTH 0x18), `{ ok: true }` or a
 * refusal; it should return results rather than throw.
 */
export interface EnhancedAuthMethod {
  /** The Authentication Method name, as in CONNECT (property 0x15). */
  readonly name: string;
  /** First step, with CONNECT's Authentication Data. */
  start(
    data: Uint8Array | undefined,
    context: AuthContext,
  ): AuthResult | Promise<AuthResult>;
  /** Next step, with an AUTH packet's Authentication Data. */
  continue(
    data: Uint8Array | undefined,
    context: AuthContext,
  ): AuthResult | Promise<AuthResult>;
}

/** Options of `createAuthenticator`: the password check plus methods. */
export interface AuthenticatorOptions extends PasswordAuthOptions {
  methods?: readonly EnhancedAuthMethod[];
}

function refuse(reasonCode: ReasonCode, reason: string): AuthResult {
  return { ok: false, reasonCode, reason };
}

/**
 * Creates the server's authenticator. A CONNECT without an Authentication
 * Method goes to the password check (`createPasswordAuthenticator`); one
 * naming a registered method starts that method's exchange; any other method
 * gets BadAuthenticationMethod (0x8C) [MQTT-4.12.0-1]. `continue` must be called with the
 * same `Credentials` object as `authenticate` (its `method` and `data`
 * updated): that object identifies the exchange. A different method, or no
 * exchange in progress, is a ProtocolError (0x82) (spec §4.12). Throws
 * `TypeError` for two methods with one name.
 *
 * @example
 * ```ts
 * import { createAuthenticator } from "./enhanced.ts";
 * const auth = createAuthenticator({ allowAnonymous: true, methods: [] });
 * const result = await auth.authenticate({
 *   clientId: "c1",
 *   method: "SCRAM-SHA-1",
 *   remote: { address: "127.0.0.1", port: 50000 },
 * });
 * result.ok === false && result.reasonCode; // 0x8c
 * ```
 */
export function createAuthenticator(
  options: AuthenticatorOptions = {},
): Authenticator {
  const password = createPasswordAuthenticator(options);
  const methods = new Map<string, EnhancedAuthMethod>();
  for (const method of options.methods ?? []) {
    if (methods.has(method.name)) {
      throw new TypeError(
        `Cannot register authentication method twice: ${method.name}`,
      );
    }
    methods.set(method.name, method);
  }
  const exchanges = new WeakMap<
    Credentials,
    { method: EnhancedAuthMethod; context: AuthContext }
  >();

  async function step(
    credentials: Credentials,
    run: (
      m: EnhancedAuthMethod,
      c: AuthContext,
    ) => AuthResult | Promise<AuthResult>,
    exchange: { method: EnhancedAuthMethod; context: AuthContext },
  ): Promise<AuthResult> {
    let result: AuthResult;
    try {
      result = await run(exchange.method, exchange.context);
    } catch (err) {
      exchanges.delete(credentials);
      const reason = `authentication method ${exchange.method.name} failed: ${
        String(err)
      }`;
      return refuse(ReasonCode.UnspecifiedError, reason);
    }
    if (result.ok !== "continue") exchanges.delete(credentials);
    return result;
  }

  return {
    authenticate(credentials) {
      if (credentials.method === undefined) {
        return password.authenticate(credentials);
      }
      const method = methods.get(credentials.method);
      if (method === undefined) {
        return Promise.resolve(refuse(
          ReasonCode.BadAuthenticationMethod,
          `unsupported authentication method ${credentials.method}`,
        ));
      }
      const exchange = { method, context: { credentials, state: {} } };
      exchanges.set(credentials, exchange);
      return step(
        credentials,
        (m, c) => m.start(credentials.data, c),
        exchange,
      );
    },
    continue(credentials) {
      const exchange = exchanges.get(credentials);
      if (exchange === undefined) {
        return Promise.resolve(
          refuse(ReasonCode.ProtocolError, "no authentication in progress"),
        );
      }
      if (credentials.method !== exchange.method.name) {
        exchanges.delete(credentials);
        return Promise.resolve(
          refuse(ReasonCode.ProtocolError, "authentication method changed"),
        );
      }
      return step(
        credentials,
        (m, c) => m.continue(credentials.data, c),
        exchange,
      );
    },
  };
}
