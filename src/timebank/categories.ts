/**
 * The catalogue of services, by the `uint8 category` the TimeBank records: a code from a fixed list, never
 * free text, so a service's record on chain says what kind of help it was and nothing about the people.
 * New kinds are appended, so every recorded number keeps its meaning.
 */
export const SERVICE_CATEGORIES = [
  "care",
  "companionship",
  "tutoring",
  "transport",
  "household_help",
  "repairs",
  "health_support",
  "paperwork",
  "childcare",
  "other",
] as const;
export type ServiceCategory = (typeof SERVICE_CATEGORIES)[number];

export function categoryCode(category: ServiceCategory): number {
  return SERVICE_CATEGORIES.indexOf(category);
}

export function categoryName(code: number): ServiceCategory {
  return SERVICE_CATEGORIES[code] ?? "other";
}
