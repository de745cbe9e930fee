/**
 * The configuration schema: the shape `parseConfig` returns. Every field is
 * required here; defaults live in `defaults.ts` and nowhere else.
 *
 * @module
 */

/** Listener kinds. */
export type ListenerKind = "tcp" | "tls" | "ws" | "wss";

/** Certificate and key files of a TLS listener (paths; `cli` reads them). */
export interface TlsFiles {
  certFile: string;
  keyFile: string;
  /** CA bundle for client certificates. */
  caFile?: string;
}

/** One listening socket. */
export interface ListenerConfig {
  kind: ListenerKind;
  host: string;
  /** 0 picks a free port. */
  port: number;
  /** Required for `tls` and `wss`, refused otherwise. */
  tls?: TlsFiles;
  /** HTTP path of a `ws`/`wss` listener. */
  path?: string;
}

/** Where state lives. */
export type BackendKind = "embedded" | "jetstream";

/** NATS connection of the `jetstream` backend. */
export interface NatsConfig {
  servers: readonly string[];
  token?: string;
  user?: string;
  pass?: string;
  credsFile?: string;
  /** Stream and subject prefix, for isolation (default `$MQTT`). */
  prefix: string;
}

/**
 * Protocol limits: structurally the `Limits` of `connection/types.ts`, plus
 * the offline queue bound per persistent session.
 */
export interface LimitsConfig {
  maxPacketSize: number;
  receiveMaximum: number;
  maxInflight: number;
  topicAliasMaximum: number;
  maxKeepAlive: number;
  connectTimeout: number;
  maxWriteBuffer: number;
  /** Messages queued for an offline session before overflow (counted). */
  maxQueuedMessages: number;
  /** Payload bytes queued for an offline session before overflow. */
  maxQueuedBytes: number;
  /** Subscriptions one session may hold; more are refused (0x97 / 0x80). */
  maxSubscriptions: number;
  /** Retained topics kept server-wide; a new one beyond is refused (0 = no bound). */
  maxRetained: number;
  /** Retained payload bytes kept server-wide (0 = no bound). */
  maxRetainedBytes: number;
  /** Persistent sessions stored; a new one beyond is refused (0 = no bound). */
  maxSessions: number;
  /** Open MQTT connections per process, all listeners (0 = no bound). */
  maxConnections: number;
}

/**
 * MQTT topic filters allowing and denying one action. No `allow` allows
 * every topic; an empty `allow` allows none; `deny` wins.
 */
export interface TopicRulesConfig {
  allow?: readonly string[];
  deny?: readonly string[];
}

/** Topic permissions; an action without rules is allowed everywhere. */
export interface PermissionsConfig {
  publish?: TopicRulesConfig;
  subscribe?: TopicRulesConfig;
}

/** A user of the password authenticator. */
export interface UserConfig {
  username: string;
  password: string;
  /** Topic permissions (absent: everything allowed). */
  permissions?: PermissionsConfig;
}

/**
 * An MQTT 5 enhanced authentication method loaded at start: an ES module
 * (path relative to the working directory, or a URL) whose default export
 * is a factory `(options) => EnhancedAuthMethod`.
 */
export interface AuthMethodConfig {
  module: string;
  /** Passed to the factory as is. */
  options?: Readonly<Record<string, unknown>>;
}

/** Authentication. */
export interface AuthConfig {
  allowAnonymous: boolean;
  users: readonly UserConfig[];
  /** Enhanced authentication methods (default none). */
  methods: readonly AuthMethodConfig[];
  /**
   * Topic permissions of clients accepted without a configured user
   * (absent: everything allowed).
   */
  anonymousPermissions?: PermissionsConfig;
}

/** Log levels, least severe first. */
export type LogLevel = "debug" | "info" | "warn" | "error";

/** Logging. */
export interface LogConfig {
  level: LogLevel;
  format: "json" | "pretty";
}

/** The Prometheus endpoint, or `false` when off. */
export type MetricsConfig = false | { host: string; port: number };

/** The whole configuration, frozen. */
export interface Config {
  listeners: readonly ListenerConfig[];
  backend: BackendKind;
  /** Directory of the embedded backend's database. */
  data: string;
  nats: NatsConfig;
  limits: LimitsConfig;
  auth: AuthConfig;
  log: LogConfig;
  metrics: MetricsConfig;
}

/** Any layer given to `mergeConfig`/`parseConfig`: a partial `Config`. */
export type ConfigInput = {
  [K in keyof Config]?: Config[K] extends readonly (infer E)[] ? E[]
    : Config[K] extends object ? Partial<Config[K]> | Config[K]
    : Config[K];
};
