/**
 * A duplicate review's resolution: what the charity's officer decided (merge into the existing household,
 * or reject the row), which organisation decided and when. A review stays `open` until then.
 */
export const REVIEW_RESOLUTION_SQL = `
  ALTER TABLE duplicate_reviews ADD COLUMN resolution TEXT CHECK (resolution IN ('merge', 'reject'));
  ALTER TABLE duplicate_reviews ADD COLUMN resolved_by TEXT;
  ALTER TABLE duplicate_reviews ADD COLUMN resolved_at TEXT;
`;

/**
 * An import's progress and its place in the charity's list: the data rows its file holds (counted while the
 * file is checked, before anything is written; null for imports made before), so a running import's bar
 * fills with the rows recorded out of those; and the imports of one organisation, newest first by rowid.
 */
export const IMPORT_PROGRESS_SQL = `
  ALTER TABLE imports ADD COLUMN rows_expected INTEGER;
  CREATE INDEX imports_by_org ON imports (org_id);
`;
