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

/** The outcome of an authentication step. */
export type AuthResult =
  /**
   * Accepted. `data`: Authentication Data of the method's last step (e.g.
   * SCRAM server-final), sent in CONNACK or AUTH 0x00 (v5).
   */
  | { ok: true; user?: string; data?: Uint8Array }
  | { ok: false; reasonCode: ReasonCode; reason?: string }
  /** v5 enhanced authentication: send AUTH 0x18 with this data. */
  | { ok: "continue"; data?: Uint8Array };

/** Checks credentials; pluggable (password file, token, enhanced methods). */
export interface Authenticator {
  authenticate(credentials: Credentials): Promise<AuthResult>;
  /** v5: continue an enhanced-auth exchange (AUTH packets). */
  continue?(credentials: Credentials): Promise<AuthResult>;
}
