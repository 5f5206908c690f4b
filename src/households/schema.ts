/**
 * A duplicate review's resolution: what the charity's officer decided (merge into the existing household,
 * or reject the row), which organisation decided and when. A review stays `open` until then.
 */
export const REVIEW_RESOLUTION_SQL = `
  ALTER TABLE duplicate_reviews ADD COLUMN resolution TEXT CHECK (resolution IN ('merge', 'reject'));
  ALTER TABLE duplicate_reviews ADD COLUMN resolved_by TEXT;
  ALTER TABLE duplicate_reviews ADD COLUMN resolved_at TEXT;
`;
