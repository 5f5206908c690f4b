import pino, { type DestinationStream, type Logger } from "pino";
import { redactJsonLine, TEXT_MASK } from "./redactText";
import { REDACTION_PATHS } from "./redactionPaths";

export type { Logger } from "pino";

export interface CreateLoggerOptions {
  /** pino level name; "silent" turns logging off. */
  level: string;
  /** Where lines go; standard output by default. Tests pass a collector. */
  destination?: DestinationStream;
}

/**
 * The gateway's logger: JSON lines with redaction of personal and credential fields, and every line
 * filtered by `redactJsonLine`. Time is an ISO string, not epoch milliseconds, so that the line filter
 * can treat every long number as suspect. Standard output is written asynchronously (buffered, one write
 * per few kilobytes instead of one per line), which keeps logging off the request path; `logger.flush()`
 * on a clean stop writes what is buffered.
 */
export function createLogger({
  level,
  destination = pino.destination({ dest: 1, sync: false }),
}: CreateLoggerOptions): Logger {
  const filtered: DestinationStream = { write: (line) => destination.write(redactJsonLine(line)) };
  return pino(
    {
      level,
      redact: { paths: [...REDACTION_PATHS], censor: TEXT_MASK },
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    filtered,
  );
}
