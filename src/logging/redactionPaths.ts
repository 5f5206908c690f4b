/** Personal data the gateway handles; never logged even when a whole record is passed to the logger. */
const PERSONAL_FIELDS = ["nationalId", "national_id", "name", "phone", "postalCode", "postal_code"];

/** Credentials that could appear in objects handed to the logger. */
const CREDENTIAL_FIELDS = [
  "apiKey",
  "api_key",
  "authorization",
  "password",
  "passphrase",
  "pepper",
  "secret",
];

const HEADER_PATHS = [
  "headers.authorization",
  'headers["x-api-key"]',
  "req.headers.authorization",
  'req.headers["x-api-key"]',
  "*.headers.authorization",
  '*.headers["x-api-key"]',
];

/**
 * pino redaction paths. Each field is covered at the top level and one level down (`*.field`), plus
 * household members; deeper nesting is caught by the line filter (`redactJsonLine`) for ID-like values.
 */
export const REDACTION_PATHS: readonly string[] = [
  ...[...PERSONAL_FIELDS, ...CREDENTIAL_FIELDS].flatMap((field) => [field, `*.${field}`]),
  ...PERSONAL_FIELDS.flatMap((field) => [`members[*].${field}`, `*.members[*].${field}`]),
  ...HEADER_PATHS,
];
