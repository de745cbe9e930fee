/**
 * Authentication seam. Implementations return results and never throw for a
 * refused login.
 *
 * @module
 */

import type { ReasonCode } from "../codec/reason_codes.ts";

/** What a CONNECT (or AUTH exchange) offers. */
export interface Credentials {
  clientId: string;
  username?: string;
  password?: Uint8Array;
  remote: { address: string; port: number };
  /** v5 enhanced authentication. */
  method?: string;
  data?: Uint8Array;
}

/**
 * Topic filters allowing and denying one action. No `allow` allows every
 * topic; an empty `allow` allows none; `deny` wins over `allow`.
 */
export interface TopicRules {
  allow?: readonly string[];
  deny?: readonly string[];
}

/**
 * What an authenticated client may publish and subscribe to, as MQTT topic
 * filters (see `createPermissions`). No rules for an action allow it all.
 */
export interface PermissionRules {
  publish?: TopicRules;
  subscribe?: TopicRules;
}

/** The outcome of an authentication step. */
export type AuthResult =
  /**
   * Accepted. `data`: Authentication Data of the method's last step (e.g.
   * SCRAM server-final), sent in CONNACK or AUTH 0x00 (v5). `permissions`:
   * the client's topic permissions (default: everything allowed).
   */
  | {
    ok: true;
    user?: string;
    data?: Uint8Array;
    permissions?: PermissionRules;
  }
  | { ok: false; reasonCode: ReasonCode; reason?: string }
  /** v5 enhanced authentication: send AUTH 0x18 with this data. */
  | { ok: "continue"; data?: Uint8Array };

/** Checks credentials; pluggable (password file, token, enhanced methods). */
export interface Authenticator {
  authenticate(credentials: Credentials): Promise<AuthResult>;
  /** v5: continue an enhanced-auth exchange (AUTH packets). */
  continue?(credentials: Credentials): Promise<AuthResult>;
}
