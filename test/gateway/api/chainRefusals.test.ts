import { expect } from "chai";
import { CHAIN_REFUSALS, ChainRefusedError } from "../../../src/programmes";
import {
  AidLedger__factory,
  LicenceRegistry__factory,
  TestSettlementToken__factory,
} from "../../../typechain-types";

/** The gateway's own reasons a write cannot be sent; every other entry is a contract's custom error. */
const GATEWAY_REASONS = ["SignerUnavailable"];

describe("api: chain refusals in the one error shape", () => {
  const abis = [
    AidLedger__factory.createInterface(),
    LicenceRegistry__factory.createInterface(),
    TestSettlementToken__factory.createInterface(),
  ];
  const known = (name: string) =>
    abis.some((abi) => abi.fragments.some((f) => f.type === "error" && "name" in f && f.name === name));

  it("names only custom errors the contracts really have, each with a status and a sentence", () => {
    for (const [name, refusal] of Object.entries(CHAIN_REFUSALS)) {
      if (!GATEWAY_REASONS.includes(name)) expect(known(name), name).to.equal(true);
      expect(refusal.status, name).to.be.oneOf([400, 403, 404, 409]);
      expect(refusal.message, name).to.match(/^[A-Z].{15,}\.$/);
    }
  });

  it("maps every error a gift or a programme creation can meet", () => {
    for (const name of [
      "GiftTooSmall",
      "ERC20InsufficientBalance",
      "ReallocationTargetInvalid",
      "ProgrammeCharityOnly",
      "ProgrammeHasEnded",
      "ProgrammeUnknown",
      "CharityUnlicensed",
      "ProgrammeWindowInvalid",
      "ProgrammePeriodInvalid",
      "ProgrammeLimitsInvalid",
      "ExclusivityGroupUnknown",
    ])
      expect(CHAIN_REFUSALS, name).to.have.property(name);
  });

  it("is an AppError named ChainRefusedError whose code is the contract's error", () => {
    const error = new ChainRefusedError({ name: "GiftTooSmall", args: ["5", "10"] });
    expect(error).to.include({
      name: "ChainRefusedError",
      status: 400,
      code: "GiftTooSmall",
      field: "amount",
    });
    expect(error.revert.args).to.deep.equal(["5", "10"]);
    const unknown = new ChainRefusedError({ name: "SomethingNew", args: [] });
    expect(unknown).to.include({ status: 409, code: "SomethingNew", field: undefined });
  });
});
