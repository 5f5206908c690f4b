import { appendFile } from "node:fs/promises";

/** One text message to one phone number. */
export interface SmsMessage {
  /** E.164-ish as the vault holds it; never logged. */
  to: string;
  text: string;
}

/**
 * Sends text messages. The gateway talks to an SMS provider through this interface; the development
 * adapter below writes them to a file instead. An adapter must not log the number or the text.
 */
export interface SmsSender {
  send(message: SmsMessage): Promise<void>;
}

/**
 * The development adapter: appends each message as one JSON line (`{at, to, text}`) to a local file,
 * `DATA_DIR/sms-outbox.jsonl`, where a developer (or a test) reads the codes. It holds phone numbers and
 * codes in clear, as a phone network would: never use it where real people's numbers are enrolled.
 */
export function fileSmsSender(path: string, now: () => Date = () => new Date()): SmsSender {
  return {
    async send(message) {
      const line = JSON.stringify({ at: now().toISOString(), to: message.to, text: message.text });
      await appendFile(path, `${line}\n`, { mode: 0o600 });
    },
  };
}

export const SMS_OUTBOX_FILE = "sms-outbox.jsonl";
