/**
 * Authentication: the `Authenticator` seam, the password authenticator and
 * pluggable MQTT 5 enhanced authentication methods. Results, never throws
 * for a refused login. Imports codec reason codes only.
 *
 * @module
 */

export type { Authenticator, AuthResult, Credentials } from "./types.ts";
export {
  createPasswordAuthenticator,
  type PasswordAuthOptions,
  type PasswordUser,
} from "./password.ts";
export {
  type AuthContext,
  type AuthenticatorOptions,
  createAuthenticator,
  type EnhancedAuthMethod,
} from "./enhanced.ts";
