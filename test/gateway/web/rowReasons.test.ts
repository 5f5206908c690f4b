import { expect } from "chai";
import { ROW_MESSAGES } from "../../../src/disbursement";
import { PERSIAN_ROW_MESSAGES, rowReason } from "../../../src/web/i18n/rowReasons";

describe("web: a disbursement row's reason in the page's language", () => {
  it("has a Persian line for every reason the disbursement room gives", () => {
    expect(Object.keys(PERSIAN_ROW_MESSAGES).sort()).to.deep.equal(Object.keys(ROW_MESSAGES).sort());
  });

  it("reads the room's own English, and an unknown code as the chain's refusal in both languages", () => {
    expect(rowReason("checksum", "en")).to.equal(ROW_MESSAGES.checksum);
    expect(rowReason("checksum", "fa")).to.equal(PERSIAN_ROW_MESSAGES.checksum);
    expect(rowReason("SomethingNew", "en")).to.equal("The chain refused this row.");
    expect(rowReason("SomethingNew", "fa")).to.equal("زنجیره این ردیف را نپذیرفت.");
    expect(rowReason(null, "fa")).to.equal("");
  });
});
