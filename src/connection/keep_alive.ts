/**
 * Connect timeout and keep-alive, on the injected clock and timer.
 *
 * @module
 */

import { MqttError } from "../codec/errors.ts";
import { ReasonCode } from "../codec/reason_codes.ts";
import { closeConnection } from "./close.ts";
import type { ConnectionState } from "./state.ts";

/** Close the connection if no CONNECT arrives within `connectTimeout`. */
export function startConnectTimer(st: ConnectionState): void {
  const seconds = st.limits.connectTimeout;
  if (!(seconds > 0)) return;
  st.cancelTimer = st.setTimer(() => {
    st.cancelTimer = undefined;
    if (st.phase.name === "connected" || st.phase.name === "closing") return;
    st.logger.debug("Connect timeout", { remote: st.conn.remote });
    st.metrics.inc("jetmq_connect_timeouts_total");
    closeConnection(st, { publishWill: false });
  }, seconds * 1000);
}

/**
 * Close with the will when nothing was received for 1.5 × the keep-alive
 * [MQTT-3.1.2-24] (v5 [MQTT-3.1.2-22], with DISCONNECT 0x8D). 0 disables it.
 */
export function startKeepAlive(st: ConnectionState, keepAlive: number): void {
  st.cancelTimer?.();
  st.cancelTimer = undefined;
  if (keepAlive <= 0) return;
  const limit = keepAlive * 1500;
  const arm = (ms: number): void => {
    st.cancelTimer = st.setTimer(() => {
      st.cancelTimer = undefined;
      if (st.phase.name !== "connected") return;
      if (st.paused) return arm(limit);
      const idle = st.now() - st.lastActivity;
      if (idle < limit) return arm(limit - idle);
      st.metrics.inc("jetmq_keepalive_timeouts_total");
      const err = new MqttError(
        ReasonCode.KeepAliveTimeout,
        "Keep-alive timeout [MQTT-3.1.2-24]",
      );
      st.logger.info(err.message, { clientId: st.phase.clientId });
      closeConnection(st, {
        reasonCode: err.reasonCode,
        reasonString: "Keep-alive timeout",
        publishWill: true,
      });
    }, ms);
  };
  arm(limit);
}
