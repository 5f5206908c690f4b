import { expect } from "chai";
import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import ts from "typescript";
import { DELIVERY_REFUSALS } from "../../../src/delivery/refusals";
import { CHAIN_REFUSALS } from "../../../src/programmes";
import { LANGUAGES } from "../../../src/web/i18n/format";
import { PERSIAN_REFUSALS, persianRefusal, refusalWords } from "../../../src/web/i18n/refusals";
import { textOf, type TextKey } from "../../../src/web/i18n/texts";

const SRC = path.resolve(__dirname, "../../../src");

/**
 * The sources behind the charity's, the regulator's, the vendor's and the donor's forms: the pages
 * themselves (their paged lists' cursor check too) and the use-cases they call (down to the national ID's and the custodial signer's checks),
 * without the rooms' API-only paths (offline uploads, USSD).
 */
const FORM_SOURCES = [
  "web/donor",
  "web/vendor",
  "web/charity",
  "web/regulator",
  "web/index.ts",
  "web/listPages.ts",
  "errors.ts",
  "delivery",
  "identity",
  "wallets/custodial",
  "wallets/errors.ts",
  "wallets/inputs.ts",
  "programmes/programmePause.ts",
  "programmes/groupAdmission.ts",
  "organisations/changeLicence.ts",
  "households/resolveDuplicateReview.ts",
  "indexer/registerWebhook.ts",
  "indexer/receiptCodes.ts",
  "indexer/giftAccess.ts",
  "chain/checkedWrite.ts",
  "chain/sendOrRefuse.ts",
  "validation/describeIssue.ts",
];
const API_ONLY = [`delivery${path.sep}offline`, `delivery${path.sep}ussd`];

function filesOf(relative: string): string[] {
  const full = path.join(SRC, relative);
  if (!statSync(full).isDirectory()) return [full];
  return readdirSync(full, { recursive: true, encoding: "utf8" })
    .filter((name) => name.endsWith(".ts"))
    .map((name) => path.join(full, name))
    .filter((file) => !API_ONLY.some((skip) => file.includes(skip)));
}

/** Errors whose code is their first argument. */
const CODE_FIRST = new Set([
  "DeliveryStateError",
  "SmsCodeError",
  "AccessCheckError",
  "SigningCapError",
  "SignatureRefusedError",
]);

/**
 * Every refusal code the sources can throw, read from their syntax: the code argument of each error they
 * construct (`ValidationError(field, code)`, `AppError(name, status, message, field, code)`, the rooms' own
 * errors), the literal codes of the errors' `super` calls and `code` parameters, the national ID's and
 * phone's `…Problem` types (identity's), and the schema issues `describeIssue` turns into codes.
 */
function codesIn(file: string): Set<string> {
  const source = ts.createSourceFile(file, readFileSync(file, "utf8"), ts.ScriptTarget.Latest, true);
  const codes = new Set<string>();
  const literal = (node: ts.Node | undefined) => {
    if (node && ts.isStringLiteral(node)) codes.add(node.text);
  };
  const literalTypes = (type: ts.TypeNode | undefined) => {
    if (!type) return;
    const walk = (node: ts.Node): void => {
      if (ts.isLiteralTypeNode(node) && ts.isStringLiteral(node.literal)) codes.add(node.literal.text);
      ts.forEachChild(node, walk);
    };
    walk(type);
  };
  const visit = (node: ts.Node): void => {
    if (ts.isNewExpression(node) && ts.isIdentifier(node.expression)) {
      const name = node.expression.text;
      const args = node.arguments ?? ts.factory.createNodeArray();
      if (name === "ValidationError" || name === "DuplicateError" || name === "SigningRefusedError")
        literal(args[1]);
      else if (name === "AppError") literal(args[4]);
      else if (name === "NotFoundError") codes.add("not_found");
      else if (name === "GoneError") codes.add("gone");
      else if (CODE_FIRST.has(name)) literal(args[0]);
    }
    if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.SuperKeyword)
      literal(node.arguments[4]);
    if (ts.isParameter(node) && ts.isIdentifier(node.name) && node.name.text === "code")
      literalTypes(node.type);
    if (ts.isTypeAliasDeclaration(node) && node.name.text.endsWith("Problem") && file.includes("identity"))
      literalTypes(node.type);
    if (ts.isCaseClause(node) && file.endsWith("describeIssue.ts")) literal(node.expression);
    ts.forEachChild(node, visit);
  };
  visit(source);
  return codes;
}

describe("web: refusals in the page's language", () => {
  const reachable = new Set([
    ...FORM_SOURCES.flatMap(filesOf).flatMap((file) => [...codesIn(file)]),
    // The chain's refusals of the forms' writes, by the contracts' custom errors.
    ...Object.keys(CHAIN_REFUSALS),
    ...Object.keys(DELIVERY_REFUSALS),
    "Reverted",
  ]);

  it("finds the codes the forms reach in their sources", () => {
    for (const code of ["checksum", "code_incorrect", "pin_incorrect", "above_entitlement", "invalid_type"])
      expect(reachable, code).to.include(code);
    expect(reachable.size).to.be.above(60);
  });

  it("has Persian words for every code the charity's, regulator's, vendor's and donor's forms can meet", () => {
    const missing = [...reachable].filter((code) => persianRefusal({ code }) === undefined).sort();
    expect(missing).to.deep.equal([]);
  });

  it("says each in both languages, differently: Persian words in Persian, the use-case's sentence in English", () => {
    const t = (lang: "fa" | "en") => (key: TextKey) => textOf(lang, key);
    for (const code of reachable) {
      const refusal = { code, status: 409, message: `The use-case's sentence for ${code}.`, field: "amount" };
      const [fa, en] = LANGUAGES.map((lang) => refusalWords({ t: t(lang), lang }, refusal));
      expect(en, code).to.equal(`${refusal.message} (${code})`);
      expect(fa, code)
        .to.match(/[\u0600-\u06FF]/u)
        .and.not.equal(en);
      expect(fa, code).to.equal(`${persianRefusal(refusal)} (${code})`);
    }
    // No line is left over that no form reaches, so the list says what the forms can meet.
    const unused = Object.keys(PERSIAN_REFUSALS).filter((key) => !reachable.has(key.split(":").at(-1)!));
    expect(unused).to.deep.equal([]);
  });

  it("puts a field's own words before the code's, and a page's own words before both", () => {
    const fa = { t: (key: TextKey) => textOf("fa", key), lang: "fa" as const };
    const length = { code: "length", status: 400, message: "National ID must have exactly 10 digits" };
    expect(refusalWords(fa, { ...length, field: "members[0].nationalId" })).to.equal(
      "کد ملی ۱۰ رقم نیست. (length)",
    );
    expect(refusalWords(fa, { ...length, field: "phone" })).to.equal(`${PERSIAN_REFUSALS.length} (length)`);
    expect(
      refusalWords(
        fa,
        { code: "not_found", status: 404, message: "x" },
        { not_found: "tbRefusal_not_found" },
      ),
    ).to.equal(`${textOf("fa", "tbRefusal_not_found")} (not_found)`);
    expect(refusalWords(fa, { code: "SomethingNew", status: 409, message: "x" })).to.equal(
      "درخواست پذیرفته نشد. (SomethingNew)",
    );
  });
});
