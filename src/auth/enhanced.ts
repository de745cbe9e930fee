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

interface Exchange {
  method: EnhancedAuthMethod;
  context: { credentials: Credentials; state: Record<string, unknown> };
}

function refuse(reasonCode: ReasonCode, reason: string): AuthResult {
  return { ok: false, reasonCode, reason };
}

/**
 * Creates the server's authenticator. A CONNECT without an Authentication
 * Method goes to the password check (`createPasswordAuthenticator`); one
 * naming a registered method starts that method's exchange; any other method
 * gets BadAuthenticationMethod (0x8C) [MQTT-4.12.0-1]. `continue` finds the
 * exchange by the identity of `credentials.remote` (one object per `Conn`,
 * the same in CONNECT and in every AUTH of that connection). A different
 * method, or no exchange in progress, is a ProtocolError (0x82) (spec §4.12).
 * A method that throws yields UnspecifiedError (0x80). Throws
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
  // Keyed by the connection's `remote` object: one per `Conn`, the same in
  // the Credentials of CONNECT and of every AUTH of that connection.
  const exchanges = new WeakMap<object, Exchange>();

  async function step(
    credentials: Credentials,
    run: (
      m: EnhancedAuthMethod,
      c: AuthContext,
    ) => AuthResult | Promise<AuthResult>,
    exchange: Exchange,
  ): Promise<AuthResult> {
    exchange.context.credentials = credentials;
    let result: AuthResult;
    try {
      result = await run(exchange.method, exchange.context);
    } catch (err) {
      exchanges.delete(credentials.remote);
      const reason = `authentication method ${exchange.method.name} failed: ${
        String(err)
      }`;
      return refuse(ReasonCode.UnspecifiedError, reason);
    }
    if (result.ok !== "continue") exchanges.delete(credentials.remote);
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
      const exchange: Exchange = {
        method,
        context: { credentials, state: {} },
      };
      exchanges.set(credentials.remote, exchange);
      return step(
        credentials,
        (m, c) => m.start(credentials.data, c),
        exchange,
      );
    },
    continue(credentials) {
      const exchange = exchanges.get(credentials.remote);
      if (exchange === undefined) {
        return Promise.resolve(
          refuse(ReasonCode.ProtocolError, "no authentication in progress"),
        );
      }
      if (credentials.method !== exchange.method.name) {
        exchanges.delete(credentials.remote);
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
