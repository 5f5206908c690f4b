import { expect } from "chai";
import { ValidationError } from "../../../src/errors";
import { JOB_CODE_LIST, JOB_CODES, isSensitiveJob, parseJobCode } from "../../../src/households";

describe("households: job codes", () => {
  it("lists the report's activities, with only military/security staff sensitive", () => {
    expect(JOB_CODES).to.deep.equal([
      "pupil",
      "student",
      "soldier",
      "retiree",
      "employee",
      "employer",
      "unemployed",
      "homemaker",
      "military_security",
    ]);
    expect(JOB_CODES.filter(isSensitiveJob)).to.deep.equal(["military_security"]);
  });

  it("accepts a code in any case or its Persian label, however the keyboard spelled it", () => {
    expect(parseJobCode(" Employee ")).to.equal("employee");
    expect(parseJobCode("دانش‌آموز")).to.equal("pupil"); // with zero-width non-joiner
    expect(parseJobCode("دانشآموز")).to.equal("pupil"); // without
    expect(parseJobCode("كارفرما")).to.equal("employer"); // Arabic kaf
    for (const info of Object.values(JOB_CODE_LIST)) expect(parseJobCode(info.labelFa)).to.equal(info.code);
  });

  it("refuses unknown and empty codes with a 400 naming the field", () => {
    expect(() => parseJobCode("astronaut", "job_code"))
      .to.throw(ValidationError)
      .with.property("field", "job_code");
    expect(() => parseJobCode(""))
      .to.throw(ValidationError)
      .with.property("code", "required");
  });
});
