/**
 * Authentication: the `Authenticator` seam, the password authenticator and
 * pluggable MQTT 5 enhanced authentication methods, and the topic
 * permissions an accepted client gets. Results, never throws for a refused
 * login. Imports codec reason codes and topic matching.
 *
 * @module
 */

export type {
  Authenticator,
  AuthResult,
  Credentials,
  PermissionRules,
  TopicRules,
} from "./types.ts";
export {
  ALLOW_ALL,
  createPermissions,
  permissionFilterProblem,
  type Permissions,
  type SubscribeVerdict,
} from "./permissions.ts";
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
