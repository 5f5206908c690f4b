import type { DeliveryItem } from "../../delivery";
import type { Language } from "./format";

/** The fixed list of what a vendor delivers, as each language says it (the code stays the value sent). */
const ITEM_NAMES: Record<DeliveryItem, Record<Language, string>> = {
  "food-basket": { en: "Food basket", fa: "سبد غذا" },
  bread: { en: "Bread", fa: "نان" },
  flour: { en: "Flour", fa: "آرد" },
  rice: { en: "Rice", fa: "برنج" },
  "cooking-oil": { en: "Cooking oil", fa: "روغن خوراکی" },
  dairy: { en: "Dairy", fa: "لبنیات" },
  "infant-formula": { en: "Infant formula", fa: "شیر خشک نوزاد" },
  "hygiene-kit": { en: "Hygiene kit", fa: "بستهٔ بهداشتی" },
  medicine: { en: "Medicine", fa: "دارو" },
  "medical-visit": { en: "Medical visit", fa: "ویزیت پزشکی" },
  clothing: { en: "Clothing", fa: "پوشاک" },
  blanket: { en: "Blanket", fa: "پتو" },
  "heating-fuel": { en: "Heating fuel", fa: "سوخت گرمایشی" },
  "school-supplies": { en: "School supplies", fa: "لوازم‌التحریر" },
  "housing-repair": { en: "Housing repair", fa: "تعمیر مسکن" },
  tools: { en: "Tools", fa: "ابزار" },
  "service-visit": { en: "Service visit", fa: "خدمت در محل" },
  other: { en: "Other", fa: "سایر" },
};

/** The item's name in the language; an unknown code (none is stored) shows as itself. */
export function itemName(item: string, lang: Language): string {
  return ITEM_NAMES[item as DeliveryItem]?.[lang] ?? item;
}
