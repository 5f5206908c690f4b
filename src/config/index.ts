export { loadConfig, type Config, type LogLevel, type PepperSet, type Profile } from "./loadConfig";
export { ConfigError, type ConfigIssue } from "./configError";
export { Secret, REDACTED } from "./secret";
export { SECRETS_FILE_NAME } from "./secretsFile";
export { LOG_LEVELS, PROFILES } from "./fields";
