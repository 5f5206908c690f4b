import { ValidationError } from "../errors";

/** A recognition period: a calendar month in UTC, written `YYYY-MM`. */
export const PERIOD_PATTERN = /^(20[0-9]{2})-(0[1-9]|1[0-2])$/;

export interface RecognitionPeriod {
  period: string;
  /** Months since January 1970: the number the leaf commits to. */
  index: number;
  /** Unix seconds, inclusive. */
  startsAt: number;
  /** Unix seconds, exclusive. */
  endsAt: number;
}

/** The period named `text`, or a 400 naming `field`. */
export function parsePeriod(text: string, field = "period"): RecognitionPeriod {
  const match = PERIOD_PATTERN.exec(text);
  if (!match) throw new ValidationError(field, "invalid_period", "A period is a month written YYYY-MM.");
  return periodOfIndex((Number(match[1]) - 1970) * 12 + Number(match[2]) - 1);
}

export function periodOfIndex(index: number): RecognitionPeriod {
  const year = 1970 + Math.floor(index / 12);
  const month = index % 12;
  return {
    period: `${year}-${String(month + 1).padStart(2, "0")}`,
    index,
    startsAt: Date.UTC(year, month, 1) / 1000,
    endsAt: Date.UTC(year, month + 1, 1) / 1000,
  };
}

/** The period holding the instant `seconds` (Unix time). */
export function periodAt(seconds: number): RecognitionPeriod {
  const date = new Date(seconds * 1000);
  return periodOfIndex((date.getUTCFullYear() - 1970) * 12 + date.getUTCMonth());
}
