/**
 * `createPasswordAuthenticator`: user names and passwords from the
 * configuration, compared in constant time.
 *
 * @module
 */

import { createHash, timingSafeEqual } from "node:crypto";
import { ReasonCode } from "../codec/mod.ts";
import type {
  Authenticator,
  AuthResult,
  Credentials,
  PermissionRules,
} from "./types.ts";

/** A user allowed to log in. */
export interface PasswordUser {
  username: string;
  password: string;
  /** Topic permissions (default: everything allowed). */
  permissions?: PermissionRules;
}

/** Options of `createPasswordAuthenticator`. */
export interface PasswordAuthOptions {
  users?: readonly PasswordUser[];
  /** Accept CONNECTs without a user name (default false). */
  allowAnonymous?: boolean;
  /**
   * Topic permissions of clients accepted without a configured user (no
   * user name, or any when no users are configured); default: everything.
   */
  anonymousPermissions?: PermissionRules;
}

function digest(bytes: Uint8Array | string): Uint8Array {
  return createHash("sha256").update(bytes).digest();
}

/**
 * Checks the CONNECT user name and password. Without a user name the client
 * is accepted only if `allowAnonymous` (else NotAuthorized, 0x87); so is any
 * user name when no users are configured and anonymous clients are allowed. An
 * unknown user or a wrong or missing password is BadUserNameOrPassword (0x86).
 * Passwords are compared as SHA-256 digests with `timingSafeEqual`, so
 * neither their content nor their length leaks through timing, and unknown
 * users cost the same comparison. An accepted client gets its user's
 * `permissions`, or `anonymousPermissions` when accepted without a user.
 *
 * @example
 * ```ts
 * import { createPasswordAuthenticator } from "./password.ts";
 * const auth = createPasswordAuthenticator({ users: [{ username: "u", password: "p" }] });
 * const result = await auth.authenticate({
 *   clientId: "c1",
 *   username: "u",
 *   password: new TextEncoder().encode("p"),
 *   remote: { address: "127.0.0.1", port: 50000 },
 * });
 * result.ok; // true
 * ```
 */
export function createPasswordAuthenticator(
  options: PasswordAuthOptions = {},
): Authenticator {
  const digests = new Map<string, Uint8Array>();
  const permissions = new Map<string, PermissionRules>();
  for (const user of options.users ?? []) {
    digests.set(user.username, digest(user.password));
    if (user.permissions) permissions.set(user.username, user.permissions);
  }
  const anonymous: AuthResult = options.anonymousPermissions
    ? { ok: true, permissions: options.anonymousPermissions }
    : { ok: true };
  const allowAnonymous = options.allowAnonymous ?? false;
  // Compared against when the user is unknown, so that case costs the same.
  const decoy = digest("decoy");

  function check(credentials: Credentials): AuthResult {
    const { username, password } = credentials;
    // With no users configured there is nothing to check a name against: an
    // open server accepts it as it accepts anonymous clients (as mosquitto).
    if (username === undefined || (digests.size === 0 && allowAnonymous)) {
      return allowAnonymous ? anonymous : {
        ok: false,
        reasonCode: ReasonCode.NotAuthorized,
        reason: "anonymous clients are not allowed",
      };
    }
    const expected = digests.get(username);
    const offered = digest(password ?? new Uint8Array(0));
    const same = timingSafeEqual(offered, expected ?? decoy);
    if (expected === undefined || password === undefined || !same) {
      return {
        ok: false,
        reasonCode: ReasonCode.BadUserNameOrPassword,
        reason: "bad user name or password",
      };
    }
    const rules = permissions.get(username);
    return rules
      ? { ok: true, user: username, permissions: rules }
      : { ok: true, user: username };
  }

  return {
    authenticate: (credentials) => Promise.resolve(check(credentials)),
  };
}
