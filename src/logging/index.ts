export { createLogger, type CreateLoggerOptions, type Logger } from "./createLogger";
export { redactJsonLine, redactText, TEXT_MASK } from "./redactText";
export { REDACTION_PATHS } from "./redactionPaths";
