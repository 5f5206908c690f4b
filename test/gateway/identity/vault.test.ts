import { expect } from "chai";
import { checkpoint } from "../../../src/db";
import { GoneError, NotFoundError } from "../../../src/errors";
import {
  PiiVault,
  VaultIntegrityError,
  createMasterKeyRing,
  householdRef,
  normaliseNationalId,
} from "../../../src/identity";
import { openTempStore, type TempStore } from "../db/tempStore";
import { testMasterKeys, testPeppers, testSecret } from "./testKeys";

const PII = {
  members: [{ nationalId: "0013542419", name: "زهرا احمدی" }],
  postalCode: "1318514357",
  attributes: { income: 1 },
};

describe("identity: encrypted PII vault", () => {
  let temp: TempStore;

  function fixture() {
    temp = openTempStore();
    const peppers = testPeppers();
    const refA = householdRef(peppers, normaliseNationalId("0013542419"));
    const refB = householdRef(peppers, normaliseNationalId("1234567891"));
    for (const ref of [refA, refB]) {
      temp.store.households.insert({
        householdRef: ref,
        pepperVersion: 1,
        status: "active",
        sensitive: false,
        createdAt: "2026-01-01",
      });
    }
    const vault = new PiiVault(testMasterKeys([1]), temp.store);
    return { store: temp.store, vault, refA, refB };
  }

  afterEach(() => temp.cleanup());

  it("round-trips a household's data and stores only ciphertext", () => {
    const { store, vault, refA } = fixture();
    vault.put(refA, PII);
    expect(vault.get(refA)).to.deep.equal(PII);
    const sealed = store.vaultRecords.get(refA)!;
    expect(sealed.iv).to.have.length(12);
    expect(sealed.tag).to.have.length(16);
    expect(sealed.ciphertext.toString("utf8")).not.to.include("0013542419");
    expect(store.vaultKeys.get(refA)).to.include({ keyVersion: 1 });
    expect(store.vaultKeys.get(refA)!.wrappedKey).to.have.length(60);
  });

  it("keeps one data key per household across updates, with a fresh IV each time", () => {
    const { store, vault, refA } = fixture();
    vault.put(refA, PII);
    const wrapped = store.vaultKeys.get(refA)!.wrappedKey;
    const iv = store.vaultRecords.get(refA)!.iv;
    vault.put(refA, { ...PII, postalCode: "1111111111" });
    expect(store.vaultKeys.get(refA)!.wrappedKey.equals(wrapped)).to.equal(true);
    expect(store.vaultRecords.get(refA)!.iv.equals(iv)).to.equal(false);
    expect(vault.get<typeof PII>(refA).postalCode).to.equal("1111111111");
  });

  it("binds ciphertext to its household: a record moved to another household fails to open", () => {
    const { store, vault, refA, refB } = fixture();
    vault.put(refA, PII);
    vault.put(refB, { other: true });
    store.vaultRecords.put({ ...store.vaultRecords.get(refA)!, householdRef: refB });
    expect(() => vault.get(refB)).to.throw(VaultIntegrityError);
    // A wrapped key moved between households fails too: the AAD names the household.
    store.vaultKeys.put({ ...store.vaultKeys.get(refA)!, householdRef: refB });
    expect(() => vault.get(refB)).to.throw(VaultIntegrityError);
  });

  it("refuses to open with the wrong master key", () => {
    const { store, vault, refA } = fixture();
    vault.put(refA, PII);
    const otherKey = createMasterKeyRing({
      current: 1,
      keys: [{ version: 1, secret: testSecret("another-deployment") }],
    });
    const stranger = new PiiVault(otherKey, store);
    expect(() => stranger.get(refA)).to.throw(VaultIntegrityError);
  });

  it("re-wraps data keys under a rotated master key, after which the old key can be retired", () => {
    const { store, vault, refA } = fixture();
    vault.put(refA, PII);
    const rotating = new PiiVault(testMasterKeys([1, 2], 2), store);
    expect(rotating.rewrap(refA)).to.equal(true);
    expect(rotating.rewrap(refA)).to.equal(false);
    expect(store.vaultKeys.get(refA)!.keyVersion).to.equal(2);
    expect(new PiiVault(testMasterKeys([2]), store).get(refA)).to.deep.equal(PII);
    expect(() => vault.get(refA)).to.throw(VaultIntegrityError); // a ring with only v1 no longer opens it
  });

  it("crypto-shreds: deleting the wrapped key makes the data unreadable, though the ciphertext remains", () => {
    const { store, vault, refA, refB } = fixture();
    vault.put(refA, PII);
    vault.put(refB, { kept: true });
    const wrapped = store.vaultKeys.get(refA)!.wrappedKey;

    expect(vault.shred(refA)).to.equal(true);
    expect(vault.shred(refA)).to.equal(false);
    expect(store.vaultRecords.get(refA)).to.not.equal(undefined);
    const error = (() => {
      try {
        vault.get(refA);
      } catch (e) {
        return e;
      }
    })();
    expect(error).to.be.instanceOf(GoneError).and.include({ status: 410 });
    expect(vault.get(refB)).to.deep.equal({ kept: true }); // only that household is affected

    // secure_delete + a checkpoint: the wrapped key's bytes are gone from the file and the WAL.
    checkpoint(store);
    expect(temp.fileBytes().includes(wrapped)).to.equal(false);
  });

  it("answers NotFoundError for a household that never stored data", () => {
    const { vault, refA } = fixture();
    expect(() => vault.get(refA)).to.throw(NotFoundError);
  });
});
