import { expect } from "chai";
import { randomBytes } from "node:crypto";
import { AidLedger__factory } from "../../../typechain-types";
import { encodeIssueBatch } from "../../../src/disbursement/issueBatchCalldata";

const ledger = AidLedger__factory.createInterface();
const ref = () => "0x" + randomBytes(32).toString("hex");

describe("disbursement: issueBatch calldata written by hand", function () {
  it("is byte for byte what the ABI coder writes, for 0, 1 and 500 households", function () {
    for (const size of [0, 1, 2, 500]) {
      const beneficiaries = Array.from({ length: size }, ref);
      const households = Array.from({ length: size }, ref).map((r, i) =>
        i % 2 ? r.toUpperCase().replace("0X", "0x") : r,
      );
      const amount = 20_000n * 10n ** 18n;
      expect(encodeIssueBatch(ledger, 7, beneficiaries, households, amount)).to.equal(
        ledger.encodeFunctionData("issueBatch", [7, beneficiaries, households, amount]),
      );
    }
  });

  it("refuses a reference that is not a bytes32 and an amount beyond uint96, naming it", function () {
    expect(() => encodeIssueBatch(ledger, 1, ["0x1234"], [ref()], 1n)).to.throw(TypeError, /beneficiaryRef/);
    expect(() => encodeIssueBatch(ledger, 1, [ref()], [ref() + "00"], 1n)).to.throw(
      TypeError,
      /householdRef/,
    );
    expect(() => encodeIssueBatch(ledger, 1, [ref()], [ref()], 1n << 96n)).to.throw(RangeError, /uint96/);
  });
});
