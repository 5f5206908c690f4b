import { inspect } from "node:util";

export const REDACTED = "[redacted]";

/**
 * A value that must never reach a log line, an error message or a printed config.
 * Only `reveal()` hands it out, so every use of a secret is greppable.
 */
export class Secret<T> {
  readonly #value: T;

  constructor(value: T) {
    this.#value = value;
  }

  reveal(): T {
    return this.#value;
  }

  toString(): string {
    return REDACTED;
  }

  toJSON(): string {
    return REDACTED;
  }

  [inspect.custom](): string {
    return `Secret(${REDACTED})`;
  }
}
