import type { z } from "zod";

interface Definition {
  type: string;
  shape?: Record<string, z.ZodType>;
  catchall?: z.ZodType;
  element?: z.ZodType;
  innerType?: z.ZodType;
  in?: z.ZodType;
  options?: readonly z.ZodType[];
  left?: z.ZodType;
  right?: z.ZodType;
  items?: readonly z.ZodType[];
  rest?: z.ZodType | null;
  valueType?: z.ZodType;
  getter?: () => z.ZodType;
}

/**
 * Throws at route definition if any object in `schema` silently strips or passes unknown keys. zod's
 * plain `z.object` strips them, so a misspelt optional field would vanish without an error; request
 * schemas must use `z.strictObject` (or an explicit catchall) so the client hears about it.
 */
export function assertStrictObjects(schema: z.ZodType, where = "schema", seen = new Set<z.ZodType>()): void {
  if (seen.has(schema)) return;
  seen.add(schema);
  const def = (schema as unknown as { _zod: { def: Definition } })._zod.def;
  const visit = (child: z.ZodType | null | undefined, at: string): void => {
    if (child) assertStrictObjects(child, at, seen);
  };
  switch (def.type) {
    case "object": {
      const catchallType =
        def.catchall && (def.catchall as unknown as { _zod: { def: Definition } })._zod.def.type;
      if (!catchallType || catchallType === "unknown" || catchallType === "any") {
        throw new Error(`${where}: use z.strictObject(...) so unknown fields are rejected`);
      }
      for (const [key, child] of Object.entries(def.shape ?? {})) visit(child, `${where}.${key}`);
      visit(def.catchall, `${where}.*`);
      return;
    }
    case "array":
      return visit(def.element, `${where}[]`);
    case "tuple":
      def.items?.forEach((item, index) => visit(item, `${where}[${index}]`));
      return visit(def.rest, `${where}[]`);
    case "record":
      return visit(def.valueType, `${where}.*`);
    case "union":
      def.options?.forEach((option) => visit(option, where));
      return;
    case "intersection":
      visit(def.left, where);
      return visit(def.right, where);
    case "pipe":
      return visit(def.in, where);
    case "lazy":
      return visit(def.getter?.(), where);
    default:
      // optional, nullable, default, readonly, catch, ...: wrappers around one inner schema.
      return visit(def.innerType, where);
  }
}
