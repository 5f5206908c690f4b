import { expect } from "chai";
import { randomBytes } from "node:crypto";
import { Wallet } from "ethers";
import { BeneficiaryRegistry__factory } from "../../../typechain-types";
import { encodeRegisterBatch } from "../../../src/disbursement/registerBatchCalldata";

const registry = BeneficiaryRegistry__factory.createInterface();
const ref = () => "0x" + randomBytes(32).toString("hex");

describe("registration: registerBatch calldata written by hand", function () {
  it("is byte for byte what the ABI coder writes, for 0, 1, 2 and 300 heads", function () {
    for (const size of [0, 1, 2, 300]) {
      const entries = Array.from({ length: size }, (_, i) => ({
        beneficiaryRef: ref(),
        householdRef: i % 2 ? ref().toUpperCase().replace("0X", "0x") : ref(),
        // Checksummed and lower-case wallets alike.
        wallet: i % 3 ? Wallet.createRandom().address : Wallet.createRandom().address.toLowerCase(),
      }));
      expect(encodeRegisterBatch(registry, entries)).to.equal(
        registry.encodeFunctionData("registerBatch", [entries]),
      );
    }
  });

  it("refuses a reference that is not a bytes32 and a wallet that is not an address, naming it", function () {
    const good = { beneficiaryRef: ref(), householdRef: ref(), wallet: Wallet.createRandom().address };
    expect(() => encodeRegisterBatch(registry, [{ ...good, beneficiaryRef: "0x12" }])).to.throw(
      TypeError,
      /beneficiaryRef/,
    );
    expect(() => encodeRegisterBatch(registry, [{ ...good, householdRef: ref() + "00" }])).to.throw(
      TypeError,
      /householdRef/,
    );
    expect(() => encodeRegisterBatch(registry, [{ ...good, wallet: good.wallet.slice(0, 40) }])).to.throw(
      TypeError,
      /wallet/,
    );
  });
});
