/**
 * Every golden vector, by packet file.
 *
 * @module
 */

import * as ack from "./ack.ts";
import * as auth from "./auth.ts";
import * as connack from "./connack.ts";
import * as connect from "./connect.ts";
import * as disconnect from "./disconnect.ts";
import * as ping from "./ping.ts";
import * as publish from "./publish.ts";
import * as suback from "./suback.ts";
import * as subscribe from "./subscribe.ts";
import * as unsuback from "./unsuback.ts";
import * as unsubscribe from "./unsubscribe.ts";
import type { InvalidVector, ValidVector } from "./types.ts";

export * from "./types.ts";

/** Vector sets by packet file name. */
export const VECTORS: Record<
  string,
  { valid: ValidVector[]; invalid: InvalidVector[] }
> = {
  connect,
  connack,
  publish,
  ack,
  subscribe,
  suback,
  unsubscribe,
  unsuback,
  ping,
  disconnect,
  auth,
};
