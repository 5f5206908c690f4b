import { expect } from "chai";
import { createHash, createHmac } from "node:crypto";
import { inspect } from "node:util";
import {
  beneficiaryRef,
  createMasterKeyRing,
  createPepperRing,
  donorRef,
  householdRef,
  normaliseNationalId,
  refCandidates,
  requestFingerprint,
} from "../../../src/identity";
import { keccak256, toUtf8Bytes } from "ethers";
import { testPeppers, testSecret } from "./testKeys";

const ID = normaliseNationalId("0013542419");

describe("identity: keyed references", () => {
  function fixture() {
    return { v1: testPeppers([1]), rotated: testPeppers([1, 2], 2) };
  }

  it("is HMAC-SHA256 of 'beneficiary:' + the normalised ID, as 0x-prefixed bytes32 hex", () => {
    const { v1 } = fixture();
    const expected =
      "0x" + createHmac("sha256", testSecret("pepper-1")).update(`beneficiary:${ID}`).digest("hex");
    expect(beneficiaryRef(v1, ID))
      .to.equal(expected)
      .and.match(/^0x[0-9a-f]{64}$/);
  });

  it("is never the plain SHA-256 of the ID", () => {
    const { v1 } = fixture();
    const plain = "0x" + createHash("sha256").update(ID).digest("hex");
    const prefixed = "0x" + createHash("sha256").update(`beneficiary:${ID}`).digest("hex");
    expect(beneficiaryRef(v1, ID)).not.to.be.oneOf([plain, prefixed]);
  });

  it("is deterministic: the same ID typed in Persian digits gives the same ref", () => {
    const { v1 } = fixture();
    expect(beneficiaryRef(v1, normaliseNationalId("۰۰۱۳۵۴۲۴۱۹"))).to.equal(beneficiaryRef(v1, ID));
  });

  it("separates domains: a household ref from the same ID differs from the beneficiary ref", () => {
    const { v1 } = fixture();
    expect(householdRef(v1, ID)).not.to.equal(beneficiaryRef(v1, ID));
    const expected =
      "0x" + createHmac("sha256", testSecret("pepper-1")).update(`household:${ID}`).digest("hex");
    expect(householdRef(v1, ID)).to.equal(expected);
  });

  it("after a rotation, new refs use the new pepper and old refs can still be recomputed", () => {
    const { v1, rotated } = fixture();
    expect(rotated.current).to.equal(2);
    expect(beneficiaryRef(rotated, ID)).not.to.equal(beneficiaryRef(v1, ID));
    expect(beneficiaryRef(rotated, ID, 1)).to.equal(beneficiaryRef(v1, ID));
    expect(refCandidates(rotated, beneficiaryRef, ID)).to.deep.equal([
      { ref: beneficiaryRef(rotated, ID, 2), pepperVersion: 2 },
      { ref: beneficiaryRef(v1, ID), pepperVersion: 1 },
    ]);
    // The current ref, when the caller has it, stands for the current version; the older are derived.
    expect(refCandidates(rotated, beneficiaryRef, ID, beneficiaryRef(rotated, ID))).to.deep.equal(
      refCandidates(rotated, beneficiaryRef, ID),
    );
  });

  it("refuses a pepper shorter than 32 bytes, repeated versions and an absent current version", () => {
    const secret = testSecret("x");
    expect(() =>
      createPepperRing({ current: 1, keys: [{ version: 1, secret: secret.subarray(0, 31) }] }),
    ).to.throw(RangeError);
    expect(() =>
      createPepperRing({
        current: 1,
        keys: [
          { version: 1, secret },
          { version: 1, secret },
        ],
      }),
    ).to.throw(RangeError);
    expect(() => createPepperRing({ current: 2, keys: [{ version: 1, secret }] })).to.throw(RangeError);
    expect(() =>
      createMasterKeyRing({ current: 1, keys: [{ version: 1, secret: Buffer.alloc(48, 1) }] }),
    ).to.throw(/exactly 32 bytes/);
    expect(() => beneficiaryRef(testPeppers([1]), ID, 7)).to.throw(/not in the ring/);
  });

  it("never shows its secrets in JSON or util.inspect", () => {
    const { rotated } = fixture();
    const shown = JSON.stringify(rotated) + inspect(rotated, { showHidden: true, depth: 5 });
    for (const v of [1, 2]) {
      expect(shown).not.to.include(testSecret(`pepper-${v}`).toString("hex"));
      expect(shown).not.to.include(testSecret(`pepper-${v}`).toString("base64"));
    }
    expect(JSON.parse(JSON.stringify(rotated))).to.deep.equal({
      label: "pepper",
      current: 2,
      versions: [2, 1],
    });
  });
});

describe("identity: donor references and request fingerprints", () => {
  const ID = "0013542419";

  it("keys a donor reference: HMAC-SHA256 of 'donor:' + the reference, never a plain hash of it", () => {
    const ring = testPeppers([1]);
    const expected = "0x" + createHmac("sha256", testSecret("pepper-1")).update(`donor:${ID}`).digest("hex");
    expect(donorRef(ring, ID)).to.equal(expected);
    const unkeyed = [ID, `donor:${ID}`].flatMap((text) => [
      keccak256(toUtf8Bytes(text)),
      "0x" + createHash("sha256").update(text).digest("hex"),
    ]);
    expect(donorRef(ring, ID)).not.to.be.oneOf(unkeyed);
    // Unlinkable with the same person's beneficiary ref, and another pepper version gives another ref.
    expect(donorRef(ring, ID)).not.to.equal(beneficiaryRef(ring, normaliseNationalId(ID)));
    expect(donorRef(testPeppers([1, 2], 2), ID)).not.to.equal(donorRef(ring, ID));
    expect(donorRef(testPeppers([1, 2], 2), ID, 1)).to.equal(donorRef(ring, ID));
  });

  it("fingerprints a request per scope and body, keyed, so a reused key with another body is told apart", () => {
    const ring = testPeppers([1]);
    const body = `national_id,amount\n${ID},150\n`;
    const fingerprint = requestFingerprint(ring, "disbursement", body);
    expect(fingerprint).to.match(/^[0-9a-f]{64}$/);
    expect(requestFingerprint(ring, "disbursement", Buffer.from(body))).to.equal(fingerprint);
    expect(requestFingerprint(ring, "disbursement", body.replace("150", "999"))).not.to.equal(fingerprint);
    expect(requestFingerprint(ring, "gift", body)).not.to.equal(fingerprint);
    expect(fingerprint).not.to.equal(createHash("sha256").update(body).digest("hex"));
  });
});
