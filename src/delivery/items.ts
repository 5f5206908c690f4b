/**
 * What a vendor can say it delivered: a code from this list, never free text, so nothing personal
 * ("for Maryam's insulin") can ride along. It stays in the gateway; the chain sees only the amount.
 */
export const DELIVERY_ITEMS = [
  "food-basket",
  "bread",
  "flour",
  "rice",
  "cooking-oil",
  "dairy",
  "infant-formula",
  "hygiene-kit",
  "medicine",
  "medical-visit",
  "clothing",
  "blanket",
  "heating-fuel",
  "school-supplies",
  "housing-repair",
  "tools",
  "service-visit",
  "other",
] as const;
export type DeliveryItem = (typeof DELIVERY_ITEMS)[number];
