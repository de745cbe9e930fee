/**
 * Configuration: the one schema, its defaults, `parseConfig(unknown)` to a
 * frozen `Config` (or a `ConfigError` listing every bad path) and the pure
 * layer merge. Pure data: reads no files or env; imports only `topic` (to
 * validate permission filters).
 *
 * @module
 */

export { ConfigError, type ConfigIssue } from "./errors.ts";
export type {
  AuthConfig,
  AuthMethodConfig,
  BackendKind,
  Config,
  ConfigInput,
  LimitsConfig,
  ListenerConfig,
  ListenerKind,
  LogConfig,
  LogLevel,
  MetricsConfig,
  NatsConfig,
  PermissionsConfig,
  TlsFiles,
  TopicRulesConfig,
  UserConfig,
} from "./schema.ts";
export {
  DEFAULT_CONFIG,
  DEFAULT_PORTS,
  LISTENER_DEFAULTS,
  METRICS_DEFAULTS,
} from "./defaults.ts";
export { parseConfig } from "./parse_config.ts";
export { mergeConfig } from "./merge_config.ts";
