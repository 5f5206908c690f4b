import type { Request } from "express";
import { toAsciiDigits } from "../../identity";

/** A form's fields as the use-cases' schemas take them. */
export function formOf(req: Request) {
  const body = req.body as Record<string, unknown>;
  const text = (name: string) => (typeof body[name] === "string" ? (body[name] as string).trim() : "");
  return {
    text,
    /** An empty field is a field not given. */
    optional: (name: string) => text(name) || undefined,
    /**
     * Minutes as the number the schema expects, Persian and Arabic-Indic digits read as well; empty is not
     * given, and anything else is passed on for the schema to refuse, naming the field.
     */
    minutes: (name: string) => {
      const value = toAsciiDigits(text(name));
      if (value === "") return undefined;
      return (/^[0-9]{1,10}$/.test(value) ? Number(value) : value) as number;
    },
    /** Every value of a repeated field (checkboxes). */
    list: (name: string) => {
      const value = body[name];
      return Array.isArray(value) ? value.map(String) : typeof value === "string" ? [value] : [];
    },
  };
}
