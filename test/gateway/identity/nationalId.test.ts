import { expect } from "chai";
import fc from "fast-check";
import { AppError, ValidationError } from "../../../src/errors";
import {
  checkNationalId,
  isValidNationalId,
  nationalIdCheckDigit,
  normaliseNationalId,
  normalisePhone,
  normalisePostalCode,
  syntheticNationalId,
} from "../../../src/identity";

const VALID = "0013542419"; // 0·10+0·9+1·8+3·7+5·6+4·5+2·4+4·3+1·2 = 101; 101 mod 11 = 2; check 11−2 = 9
const PERSIAN = "۰۰۱۳۵۴۲۴۱۹";
const ARABIC_INDIC = "٠٠١٣٥٤٢٤١٩";

/** Runs `fn`, expecting a ValidationError, and returns it for further checks. */
function validationErrorOf(fn: () => unknown): ValidationError {
  try {
    fn();
  } catch (error) {
    expect(error).to.be.instanceOf(ValidationError);
    return error as ValidationError;
  }
  expect.fail("expected a ValidationError");
}

describe("identity: national ID", () => {
  it("accepts a valid ASCII ID and returns it unchanged", () => {
    expect(normaliseNationalId(VALID)).to.equal(VALID);
  });

  it("folds Persian digits (U+06F0..06F9) to ASCII", () => {
    expect(normaliseNationalId(PERSIAN)).to.equal(VALID);
  });

  it("folds Arabic-Indic digits (U+0660..0669) to ASCII", () => {
    expect(normaliseNationalId(ARABIC_INDIC)).to.equal(VALID);
  });

  it("folds mixed scripts and strips spaces, dashes, bidi marks and zero-width joiners", () => {
    const mixed = " ۰٠1-۳٥۴ 2\u200c۴\u200f1–٩ ";
    expect(normaliseNationalId(mixed)).to.equal(VALID);
  });

  it("rejects a wrong check digit with code checksum", () => {
    const error = validationErrorOf(() => normaliseNationalId("0013542418"));
    expect(error.code).to.equal("checksum");
    expect(error.status).to.equal(400);
    expect(error.name).to.equal("ValidationError");
    expect(error.field).to.equal("nationalId");
  });

  it("rejects a wrong length with code length", () => {
    expect(validationErrorOf(() => normaliseNationalId("013542419")).code).to.equal("length");
    expect(validationErrorOf(() => normaliseNationalId("00135424190")).code).to.equal("length");
    expect(validationErrorOf(() => normaliseNationalId("۰۱۳۵۴۲۴۱۹")).code).to.equal("length");
  });

  it("rejects letters and other symbols with code format", () => {
    expect(validationErrorOf(() => normaliseNationalId("00135424I9")).code).to.equal("format");
    expect(validationErrorOf(() => normaliseNationalId("0013542419.")).code).to.equal("format");
  });

  it("rejects all-same-digit placeholders even though 1111111111 passes the checksum", () => {
    expect(nationalIdCheckDigit("111111111")).to.equal(1);
    for (const d of "0123456789") {
      expect(validationErrorOf(() => normaliseNationalId(d.repeat(10))).code).to.equal("repeated_digits");
    }
  });

  it("rejects empty and non-string input with code required", () => {
    for (const raw of ["", "   ", undefined, null, 13542419]) {
      expect(validationErrorOf(() => normaliseNationalId(raw)).code).to.equal("required");
    }
  });

  it("names the caller's field in the error", () => {
    expect(validationErrorOf(() => normaliseNationalId("1", "members[3].nationalId")).field).to.equal(
      "members[3].nationalId",
    );
  });

  it("never echoes the input in the message, JSON body, string form or stack", () => {
    const bad = ["0013542418", "۰۰۱۳۵۴۲۴۱۸", "001354241", "00135424I9", "4444444444", "٠٠١٣٥٤٢٤١٨"];
    for (const raw of bad) {
      const error = validationErrorOf(() => normaliseNationalId(raw));
      const digits = raw.replace(/[^0-9]/g, "");
      const surfaces = [error.message, JSON.stringify(error), String(error), error.stack ?? ""];
      for (const text of surfaces) {
        expect(text).not.to.include(raw);
        if (digits.length >= 4) expect(text).not.to.include(digits);
      }
      expect(error).to.be.instanceOf(AppError);
      expect(error.toJSON().error).to.deep.equal({
        name: "ValidationError",
        message: error.message,
        field: "nationalId",
        code: error.code,
      });
    }
  });

  it("has exactly one valid check digit for every 9-digit body (property, 500 runs, seed 42)", () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[0-9]{9}$/), (body) => {
        fc.pre(!/^(\d)\1{8}$/.test(body));
        const valid = [..."0123456789"].filter((d) => isValidNationalId(body + d));
        expect(valid).to.deep.equal([String(nationalIdCheckDigit(body))]);
      }),
      { numRuns: 500, seed: 42 },
    );
  });

  it("makes distinct, valid synthetic IDs", () => {
    const ids = Array.from({ length: 5000 }, (_, i) => syntheticNationalId(i));
    expect(new Set(ids).size).to.equal(ids.length);
    expect(ids.filter((id) => !checkNationalId(id).ok)).to.deep.equal([]);
  });
});

describe("identity: postal code and phone", () => {
  it("normalises a postal code written in Persian digits with a dash", () => {
    expect(normalisePostalCode("۱۳۱۸۵-۱۴۳۵۷")).to.equal("1318514357");
  });

  it("rejects a postal code of the wrong length without echoing it", () => {
    const error = validationErrorOf(() => normalisePostalCode("131851435"));
    expect(error).to.include({ field: "postalCode", code: "length", status: 400 });
    expect(error.message).not.to.include("131851435");
  });

  it("normalises phones from +98, 0098 and Persian digits to 09…", () => {
    expect(normalisePhone("+98 912 345 6789")).to.equal("09123456789");
    expect(normalisePhone("0098-912-345-6789")).to.equal("09123456789");
    expect(normalisePhone("۰۹۱۲ ۳۴۵ ۶۷۸۹")).to.equal("09123456789");
    expect(validationErrorOf(() => normalisePhone("0912345678")).code).to.equal("length");
  });
});
