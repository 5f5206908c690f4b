import { ValidationError } from "../errors";

/**
 * Job / activity codes (کد شغلی) of the household file. `earnsIncome` feeds the means test (a head
 * without earned income raises need); `sensitive` marks military and security staff, whose households
 * are kept out of every export (the report's security rule for armed-forces records).
 */
export const JOB_CODES = [
  "pupil",
  "student",
  "soldier",
  "retiree",
  "employee",
  "employer",
  "unemployed",
  "homemaker",
  "military_security",
] as const;

export type JobCode = (typeof JOB_CODES)[number];

export interface JobCodeInfo {
  code: JobCode;
  label: string;
  labelFa: string;
  earnsIncome: boolean;
  sensitive: boolean;
}

const info = (
  code: JobCode,
  label: string,
  labelFa: string,
  earnsIncome: boolean,
  sensitive = false,
): JobCodeInfo => ({
  code,
  label,
  labelFa,
  earnsIncome,
  sensitive,
});

export const JOB_CODE_LIST: Readonly<Record<JobCode, JobCodeInfo>> = {
  pupil: info("pupil", "pupil", "دانش‌آموز", false),
  student: info("student", "student", "دانشجو", false),
  // Conscripts: a token stipend, not an income a household can live on.
  soldier: info("soldier", "conscript soldier", "سرباز", false),
  retiree: info("retiree", "retiree", "بازنشسته", true),
  employee: info("employee", "employee", "کارمند", true),
  employer: info("employer", "employer", "کارفرما", true),
  unemployed: info("unemployed", "unemployed", "بیکار", false),
  homemaker: info("homemaker", "homemaker", "خانه‌دار", false),
  military_security: info(
    "military_security",
    "military or security staff",
    "کادر نظامی و امنیتی",
    true,
    true,
  ),
};

/**
 * Folds case, spacing, the zero-width non-joiner and the Arabic forms of yeh and kaf (ي ك), which
 * Arabic keyboard layouts type in place of the Persian ی ک, so one label always finds one code.
 */
const lookupKey = (s: string): string =>
  s
    .trim()
    .toLowerCase()
    .replace(/\u200c/g, "")
    .replace(/\u064a/g, "\u06cc")
    .replace(/\u0643/g, "\u06a9")
    .replace(/\s+/g, " ");

const BY_NAME = new Map<string, JobCode>(
  Object.values(JOB_CODE_LIST).flatMap((j) => [
    [lookupKey(j.code), j.code],
    [lookupKey(j.labelFa), j.code],
  ]),
);

/** Accepts a code (any case) or its Persian label. */
export function parseJobCode(raw: unknown, field = "jobCode"): JobCode {
  if (typeof raw !== "string" || raw.trim() === "")
    throw new ValidationError(field, "required", "Job code is required");
  const found = BY_NAME.get(lookupKey(raw));
  if (found === undefined)
    throw new ValidationError(field, "unknown_job_code", "Job code is not one of the known codes");
  return found;
}

export const isSensitiveJob = (code: JobCode): boolean => JOB_CODE_LIST[code].sensitive;
