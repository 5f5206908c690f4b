import { expect } from "chai";
import { randomBytes } from "node:crypto";
import { TypedDataEncoder, verifyTypedData, Wallet } from "ethers";
import { NotFoundError, ValidationError } from "../../../src/errors";
import {
  AccessCheckError,
  AccessLockedError,
  createChallenge,
  createKeystoreKeyRing,
  createWalletsContext,
  createCustodialWallets,
  CustodialSigner,
  MAX_PIN_ATTEMPTS,
  PIN_LOCKOUT_MS,
  proveControl,
  setPin,
  SigningCapError,
  SigningRefusedError,
  type AccessCheck,
} from "../../../src/wallets";
import {
  LEDGER,
  LEDGER_DOMAIN,
  openWalletsFixture,
  testKeystoreKey,
  receiptFor,
  rejectionOf,
  testRef,
  type WalletsFixture,
} from "./helpers/walletsFixture";

/** The AidLedger's receipt type, written out independently of the source under test. */
const RECEIPT_TYPE =
  "DeliveryReceipt(uint256 programmeId,bytes32 beneficiaryRef,bytes32 householdRef,address vendor," +
  "uint256 amount,bytes32 evidenceHash,uint256 nonce,uint256 deadline)";
const RECEIPT_TYPES = {
  DeliveryReceipt: RECEIPT_TYPE.slice(RECEIPT_TYPE.indexOf("(") + 1, -1)
    .split(",")
    .map((part) => {
      const [type, name] = part.split(" ") as [string, string];
      return { name, type };
    }),
};

const ALICE = testRef("alice");
const BOB = testRef("bob");
const PIN = "2749";
const HOUR = 3600 * 1000;

interface LogRow {
  beneficiary_ref: string;
  address: string;
  digest: string;
  amount: string;
  method: string;
  otp_id: string | null;
  at: string;
}

describe("wallets: custodial signer", () => {
  let fx: WalletsFixture;
  let signer: CustodialSigner;
  let aliceWallet: string;

  beforeEach(async () => {
    fx = openWalletsFixture();
    const wallets = await createCustodialWallets(fx.ctx, { beneficiaryRefs: [ALICE, BOB] });
    aliceWallet = wallets[0]!.address;
    await setPin(fx.ctx, { beneficiaryRef: ALICE, pin: PIN });
    await setPin(fx.ctx, { beneficiaryRef: BOB, pin: "5081" });
    signer = new CustodialSigner(fx.ctx, {
      caps: { maxSignaturesPerDay: 3, maxAmountPerDay: 100n },
      ledger: LEDGER,
    });
  });
  afterEach(() => fx.cleanup());

  const sign = (check: AccessCheck, overrides: Record<string, unknown> = {}, beneficiaryRef = ALICE) =>
    signer.signReceipt({ beneficiaryRef, check }, LEDGER_DOMAIN, receiptFor(ALICE, fx.clock, overrides));
  const log = () => fx.db.prepare("SELECT * FROM signing_log ORDER BY id").all() as LogRow[];
  const secrets = (ref = ALICE) =>
    fx.db
      .prepare("SELECT failed_attempts, locked_until FROM access_secrets WHERE beneficiary_ref = ?")
      .get(ref) as {
      failed_attempts: number;
      locked_until: string | null;
    };

  describe("signing", () => {
    it("signs a DeliveryReceipt that recovers to the beneficiary's custodial wallet under the exact AidLedger type", async () => {
      const receipt = receiptFor(ALICE, fx.clock);
      const result = await signer.signReceipt(
        { beneficiaryRef: ALICE, check: { pin: PIN } },
        LEDGER_DOMAIN,
        receipt,
      );

      expect(TypedDataEncoder.from(RECEIPT_TYPES).encodeType("DeliveryReceipt")).to.equal(RECEIPT_TYPE);
      expect(verifyTypedData(LEDGER_DOMAIN, RECEIPT_TYPES, receipt, result.signature).toLowerCase()).to.equal(
        aliceWallet,
      );
      expect(result).to.include({ address: aliceWallet, counted: true });
      expect(result.digest).to.equal(TypedDataEncoder.hash(LEDGER_DOMAIN, RECEIPT_TYPES, receipt));
    });

    it("logs the digest, amount and method of every signature, and never the PIN", async () => {
      const first = await sign({ pin: PIN }, { amount: 30n });
      const second = await sign({ pin: PIN }, { amount: 12n, nonce: 2n });
      const rows = log();
      expect(
        rows.map(({ beneficiary_ref, address, digest, amount, method, otp_id }) => ({
          beneficiary_ref,
          address,
          digest,
          amount,
          method,
          otp_id,
        })),
      ).to.deep.equal([
        {
          beneficiary_ref: ALICE,
          address: aliceWallet,
          digest: first.digest,
          amount: "30",
          method: "pin",
          otp_id: null,
        },
        {
          beneficiary_ref: ALICE,
          address: aliceWallet,
          digest: second.digest,
          amount: "12",
          method: "pin",
          otp_id: null,
        },
      ]);
      expect(rows.every((row) => row.at === fx.clock.now().toISOString())).to.equal(true);
      expect(JSON.stringify(rows)).not.to.include(PIN);
    });

    it("signs a retried receipt again without counting it twice", async () => {
      const first = await sign({ pin: PIN });
      const retry = await sign({ pin: PIN });
      expect(retry).to.deep.equal({ ...first, counted: false });
      expect(log()).to.have.length(1);
    });

    it("accepts a PIN typed in Persian or Arabic-Indic digits", async () => {
      await setPin(fx.ctx, { beneficiaryRef: ALICE, pin: "۸۰۳۶۱" });
      await sign({ pin: "80361" });
      await sign({ pin: "٨٠٣٦١" }, { nonce: 2n });
      await sign({ pin: "۸۰ ۳۶۱" }, { nonce: 3n });
      expect(log()).to.have.length(3);
    });

    it("accepts an OTP verified by the delivery room, once per OTP", async () => {
      await sign({ otpVerified: true, otpId: "otp-1" });
      expect(log()[0]).to.include({ method: "otp", otp_id: "otp-1" });

      const reused = await rejectionOf(sign({ otpVerified: true, otpId: "otp-1" }, { nonce: 2n }));
      expect(reused).to.be.instanceOf(AccessCheckError);
      expect(reused).to.include({ status: 409, code: "otp_used" });

      const unverified = await rejectionOf(
        sign({ otpVerified: false, otpId: "otp-2" } as unknown as AccessCheck),
      );
      expect(unverified).to.include({ name: "AccessCheckError", status: 401, code: "otp_not_verified" });
      expect(log()).to.have.length(1);
    });
  });

  describe("refusals", () => {
    it("refuses to sign a receipt for another beneficiary, before any PIN attempt", async () => {
      const error = await rejectionOf(sign({ pin: "5081" }, {}, BOB));
      expect(error).to.be.instanceOf(SigningRefusedError);
      expect(error).to.include({ status: 403, code: "other_beneficiary", field: "receipt.beneficiaryRef" });
      expect(secrets(BOB).failed_attempts).to.equal(0);
      expect(log()).to.have.length(0);
    });

    it("refuses a beneficiary whose wallet is self-custodied, and one with no wallet", async () => {
      const own = Wallet.createRandom();
      const carol = testRef("carol");
      const challenge = await createChallenge(fx.ctx, { beneficiaryRef: carol, address: own.address });
      await proveControl(fx.ctx, {
        challengeId: challenge.challengeId,
        signature: await own.signMessage(challenge.message),
      });
      const request = (ref: string) =>
        signer.signReceipt(
          { beneficiaryRef: ref, check: { pin: PIN } },
          LEDGER_DOMAIN,
          receiptFor(ref, fx.clock),
        );

      expect(await rejectionOf(request(carol))).to.include({
        name: "SigningRefusedError",
        code: "not_custodial",
      });
      expect(await rejectionOf(request(testRef("nobody")))).to.be.instanceOf(NotFoundError);
    });

    it("refuses a key that is not the beneficiary's own custodial key even if bound to them", async () => {
      const operator = fx.ctx.keystore.create("operator", "gateway-operator");
      fx.db.prepare("UPDATE wallet_bindings SET address = ? WHERE beneficiary_ref = ?").run(operator, ALICE);
      expect(await rejectionOf(sign({ pin: PIN }))).to.include({
        name: "SigningRefusedError",
        code: "not_own_wallet",
      });
    });

    it("refuses receipts for another ledger or another domain, and expired or far-off deadlines", async () => {
      const otherLedger = {
        ...LEDGER_DOMAIN,
        verifyingContract: "0x0000000000000000000000000000000000000bad",
      };
      const request = { beneficiaryRef: ALICE, check: { pin: PIN } };
      const receipt = receiptFor(ALICE, fx.clock);
      expect(await rejectionOf(signer.signReceipt(request, otherLedger, receipt))).to.include({
        code: "ledger_mismatch",
      });
      expect(
        await rejectionOf(signer.signReceipt(request, { ...LEDGER_DOMAIN, chainId: 1n }, receipt)),
      ).to.include({ code: "ledger_mismatch" });
      expect(
        await rejectionOf(signer.signReceipt(request, { ...LEDGER_DOMAIN, name: "Permit" }, receipt)),
      ).to.include({ code: "not_aid_ledger" });

      const expired = await rejectionOf(sign({ pin: PIN }, { deadline: fx.clock.seconds }));
      expect(expired).to.be.instanceOf(ValidationError);
      expect(expired).to.include({ field: "receipt.deadline", code: "expired" });
      expect(
        await rejectionOf(sign({ pin: PIN }, { deadline: fx.clock.seconds + 8n * 24n * 3600n })),
      ).to.include({ code: "too_far" });
      expect(await rejectionOf(sign({ pin: PIN }, { amount: 0n }))).to.include({
        field: "receipt.amount",
        code: "zero",
      });
      expect(await rejectionOf(sign({ pin: PIN }, { vendor: "not an address" }))).to.include({
        field: "receipt.vendor",
      });
      expect(secrets().failed_attempts).to.equal(0);
      expect(log()).to.have.length(0);
    });
  });

  describe("PIN checks and lockout", () => {
    it(`locks signing for 15 minutes after ${MAX_PIN_ATTEMPTS} wrong PINs, then lets the right PIN in`, async () => {
      for (let attempt = 1; attempt < MAX_PIN_ATTEMPTS; attempt++) {
        const error = await rejectionOf(sign({ pin: "1357" }));
        expect(error).to.be.instanceOf(AccessCheckError);
        expect(error).to.include({
          status: 401,
          code: "pin_incorrect",
          attemptsLeft: MAX_PIN_ATTEMPTS - attempt,
        });
      }
      const locking = await rejectionOf(sign({ pin: "1357" }));
      expect(locking).to.be.instanceOf(AccessLockedError);
      const until = new Date(fx.clock.now().getTime() + PIN_LOCKOUT_MS).toISOString();
      expect(locking).to.include({ status: 423, code: "locked", lockedUntil: until });
      expect(secrets()).to.deep.equal({ failed_attempts: MAX_PIN_ATTEMPTS, locked_until: until });

      fx.clock.advance(PIN_LOCKOUT_MS - 1000);
      expect(await rejectionOf(sign({ pin: PIN }))).to.be.instanceOf(AccessLockedError);
      fx.clock.advance(1000);
      expect((await sign({ pin: PIN })).counted).to.equal(true);
      expect(secrets()).to.deep.equal({ failed_attempts: 0, locked_until: null });
    });

    it("resets the count of wrong PINs after a right one", async () => {
      await rejectionOf(sign({ pin: "1357" }));
      await rejectionOf(sign({ pin: "1357" }));
      expect(secrets().failed_attempts).to.equal(2);
      await sign({ pin: PIN });
      expect(secrets().failed_attempts).to.equal(0);
    });

    it("does not let wrong PINs sent in parallel outrun the lockout", async () => {
      const results = await Promise.allSettled(
        Array.from({ length: 8 }, (_, i) => sign({ pin: `${9100 + i * 7}` })),
      );
      expect(results.every((r) => r.status === "rejected")).to.equal(true);
      expect(secrets().failed_attempts).to.equal(MAX_PIN_ATTEMPTS);
      expect(secrets().locked_until).not.to.equal(null);
      expect(await rejectionOf(sign({ pin: PIN }))).to.be.instanceOf(AccessLockedError);
    });

    it("does not count a PIN of the wrong shape as an attempt", async () => {
      for (const pin of ["12", "123456789", "12a4", ""]) {
        expect(await rejectionOf(sign({ pin }))).to.include({ name: "ValidationError", field: "check.pin" });
      }
      expect(secrets().failed_attempts).to.equal(0);
    });

    it("refuses a PIN check when no PIN was set", async () => {
      fx.db.prepare("DELETE FROM access_secrets WHERE beneficiary_ref = ?").run(ALICE);
      expect(await rejectionOf(sign({ pin: PIN }))).to.include({
        name: "AccessCheckError",
        status: 409,
        code: "pin_not_set",
      });
    });
  });

  describe("setPin", () => {
    it("stores a salted scrypt hash, different for the same PIN on two wallets", async () => {
      await setPin(fx.ctx, { beneficiaryRef: BOB, pin: PIN });
      const hashes = fx.db.prepare("SELECT pin_hash FROM access_secrets ORDER BY beneficiary_ref").all() as {
        pin_hash: string;
      }[];
      expect(hashes).to.have.length(2);
      for (const { pin_hash } of hashes) {
        expect(pin_hash).to.match(/^scrypt\$16384\$8\$1\$k1\$[A-Za-z0-9+/=]+\$[A-Za-z0-9+/=]+$/);
        expect(pin_hash).not.to.include(PIN);
      }
      expect(hashes[0]!.pin_hash).not.to.equal(hashes[1]!.pin_hash);
    });

    it("refuses malformed and guessable PINs, and beneficiaries without a custodial wallet", async () => {
      for (const pin of ["123", "123456789", "12-ab", "۱۲۳"]) {
        expect(await rejectionOf(setPin(fx.ctx, { beneficiaryRef: ALICE, pin }))).to.include({
          field: "pin",
          code: "format",
        });
      }
      for (const pin of ["0000", "1234", "9876", "۵۵۵۵۵"]) {
        expect(await rejectionOf(setPin(fx.ctx, { beneficiaryRef: ALICE, pin }))).to.include({
          field: "pin",
          code: "guessable",
        });
      }
      expect(
        await rejectionOf(setPin(fx.ctx, { beneficiaryRef: testRef("nobody"), pin: "2749" })),
      ).to.be.instanceOf(NotFoundError);
      await sign({ pin: PIN });
    });

    it("clears a lockout when the PIN is set again", async () => {
      for (let i = 0; i < MAX_PIN_ATTEMPTS; i++) await rejectionOf(sign({ pin: "1357" }));
      expect(secrets().locked_until).not.to.equal(null);
      await setPin(fx.ctx, { beneficiaryRef: ALICE, pin: "6028" });
      expect(secrets()).to.deep.equal({ failed_attempts: 0, locked_until: null });
      await sign({ pin: "6028" });
    });
  });

  describe("keystore key rotation", () => {
    const pinHash = () =>
      (
        fx.db.prepare("SELECT pin_hash FROM access_secrets WHERE beneficiary_ref = ?").get(ALICE) as {
          pin_hash: string;
        }
      ).pin_hash;

    it("re-hashes a PIN under the new keystore key on its next right use, and asks for a reset once the old key is gone", async () => {
      const newKey = randomBytes(32);
      const rotating = createWalletsContext({
        db: fx.db,
        now: fx.clock.now,
        keystoreKeys: createKeystoreKeyRing({
          current: 2,
          keys: [
            { version: 1, secret: testKeystoreKey() },
            { version: 2, secret: newKey },
          ],
        }),
      });
      expect(rotating.keystore.reseal()).to.equal(2);
      const rotatingSigner = new CustodialSigner(rotating, {
        caps: { maxSignaturesPerDay: 3, maxAmountPerDay: 100n },
        ledger: LEDGER,
      });
      expect(pinHash()).to.include("$k1$");
      await rotatingSigner.signReceipt(
        { beneficiaryRef: ALICE, check: { pin: PIN } },
        LEDGER_DOMAIN,
        receiptFor(ALICE, fx.clock),
      );
      expect(pinHash()).to.include("$k2$");

      const onlyNew = createWalletsContext({
        db: fx.db,
        now: fx.clock.now,
        keystoreKeys: createKeystoreKeyRing({ current: 2, keys: [{ version: 2, secret: newKey }] }),
      });
      const newSigner = new CustodialSigner(onlyNew, {
        caps: { maxSignaturesPerDay: 3, maxAmountPerDay: 100n },
        ledger: LEDGER,
      });
      const request = (ref: string, nonce: bigint) =>
        newSigner.signReceipt(
          { beneficiaryRef: ref, check: { pin: ref === ALICE ? PIN : "5081" } },
          LEDGER_DOMAIN,
          receiptFor(ref, fx.clock, { nonce }),
        );
      await request(ALICE, 2n);
      // Bob's PIN was never used since the rotation: its pepper went with the old key.
      const error = await rejectionOf(request(BOB, 1n));
      expect(error).to.include({ name: "AccessCheckError", status: 409, code: "pin_not_set" });
      expect(secrets(BOB).failed_attempts).to.equal(0);
    });
  });

  describe("daily caps", () => {
    it("refuses the signature past the daily count with a 429, and allows it again 24 hours later", async () => {
      for (let nonce = 1n; nonce <= 3n; nonce++) await sign({ pin: PIN }, { nonce, amount: 1n });
      const error = await rejectionOf(sign({ pin: PIN }, { nonce: 4n, amount: 1n }));
      expect(error).to.be.instanceOf(SigningCapError);
      expect(error).to.include({ status: 429, code: "signature_cap" });
      expect(log()).to.have.length(3);

      fx.clock.advance(24 * HOUR - 1000);
      expect(await rejectionOf(sign({ pin: PIN }, { nonce: 4n, amount: 1n }))).to.include({
        code: "signature_cap",
      });
      fx.clock.advance(1000);
      await sign({ pin: PIN }, { nonce: 4n, amount: 1n });
    });

    it("refuses a receipt that would take the day's amount over the cap, and counts only the wallet's own", async () => {
      await sign({ pin: PIN }, { amount: 60n });
      fx.clock.advance(HOUR);
      const error = await rejectionOf(sign({ pin: PIN }, { amount: 41n, nonce: 2n }));
      expect(error).to.include({
        name: "SigningCapError",
        status: 429,
        code: "amount_cap",
        field: "receipt.amount",
      });
      await sign({ pin: PIN }, { amount: 40n, nonce: 3n });

      const bobReceipt = receiptFor(BOB, fx.clock, { amount: 100n });
      await signer.signReceipt({ beneficiaryRef: BOB, check: { pin: "5081" } }, LEDGER_DOMAIN, bobReceipt);
      expect(log().map((row) => row.amount)).to.deep.equal(["60", "40", "100"]);
    });
  });
  describe("standing premium mandates and their revocations", () => {
    /** PremiumMandates' types, written out independently of the source under test. */
    const MANDATE_TYPE =
      "StandingMandate(uint256 programmeId,bytes32 householdRef,bytes32 beneficiaryRef,address insurer," +
      "uint256 premiumPerPeriod,uint32 firstPeriod,uint32 lastPeriod,uint8 receiptIndex,uint256 nonce,uint256 deadline)";
    const typesOf = (type: string, name: string) => ({
      [name]: type
        .slice(type.indexOf("(") + 1, -1)
        .split(",")
        .map((part) => {
          const [fieldType, fieldName] = part.split(" ") as [string, string];
          return { name: fieldName, type: fieldType };
        }),
    });
    const MANDATES = { chainId: 31337, verifyingContract: "0x00000000000000000000000000000000000ca11e" };
    const DOMAIN = { name: "Sin Tech PremiumMandates", version: "1", ...MANDATES };
    const terms = (overrides: Record<string, unknown> = {}) => ({
      programmeId: 7n,
      householdRef: testRef("household"),
      beneficiaryRef: ALICE,
      insurer: "0x00000000000000000000000000000000000015e7",
      premiumPerPeriod: 40n,
      firstPeriod: 10,
      lastPeriod: 12,
      receiptIndex: 31,
      nonce: 5n,
      deadline: fx.clock.seconds + 3600n,
      ...overrides,
    });
    let mandateSigner: CustodialSigner;
    beforeEach(() => {
      mandateSigner = new CustodialSigner(fx.ctx, {
        caps: { maxSignaturesPerDay: 3, maxAmountPerDay: 100n },
        ledger: LEDGER,
        mandates: MANDATES,
      });
    });

    it("signs the member's own mandate under PremiumMandates' exact type, logged with its premium against the caps", async () => {
      const mandate = terms();
      const result = await mandateSigner.signMandate({ beneficiaryRef: ALICE, check: { pin: PIN } }, mandate);
      const types = typesOf(MANDATE_TYPE, "StandingMandate");
      expect(TypedDataEncoder.from(types).encodeType("StandingMandate")).to.equal(MANDATE_TYPE);
      expect(verifyTypedData(DOMAIN, types, mandate, result.signature).toLowerCase()).to.equal(aliceWallet);
      expect(result.digest).to.equal(TypedDataEncoder.hash(DOMAIN, types, mandate).toLowerCase());
      expect(log().map((row) => [row.digest, row.amount, row.method])).to.deep.equal([
        [result.digest, "40", "pin"],
      ]);
      // The premium counts against the day's amount: 40 + 70 is above the cap of 100.
      const over = await rejectionOf(
        mandateSigner.signMandate(
          { beneficiaryRef: ALICE, check: { pin: PIN } },
          terms({ premiumPerPeriod: 70n, nonce: 6n }),
        ),
      );
      expect(over).to.include({ name: "SigningCapError", code: "amount_cap" });
    });

    it("signs the member's own revocation, which moves nothing, and refuses another member's, a stale deadline or no PremiumMandates", async () => {
      const revocation = {
        mandateId: testRef("mandate"),
        memberRef: ALICE,
        deadline: fx.clock.seconds + 600n,
      };
      const result = await mandateSigner.signRevocation(
        { beneficiaryRef: ALICE, check: { pin: PIN } },
        revocation,
      );
      const types = typesOf(
        "MandateRevocation(bytes32 mandateId,bytes32 memberRef,uint256 deadline)",
        "MandateRevocation",
      );
      expect(verifyTypedData(DOMAIN, types, revocation, result.signature).toLowerCase()).to.equal(
        aliceWallet,
      );
      expect(log().map((row) => row.amount)).to.deep.equal(["0"]);

      const request = { beneficiaryRef: ALICE, check: { pin: PIN } };
      expect(
        await rejectionOf(mandateSigner.signRevocation(request, { ...revocation, memberRef: BOB })),
      ).to.include({
        name: "SigningRefusedError",
        code: "other_beneficiary",
      });
      expect(
        await rejectionOf(mandateSigner.signMandate(request, terms({ beneficiaryRef: BOB }))),
      ).to.include({
        code: "other_beneficiary",
      });
      expect(
        await rejectionOf(mandateSigner.signMandate(request, terms({ deadline: fx.clock.seconds }))),
      ).to.include({
        field: "mandate.deadline",
        code: "expired",
      });
      expect(
        await rejectionOf(
          mandateSigner.signMandate(request, terms({ deadline: fx.clock.seconds + 8n * 24n * 3600n })),
        ),
      ).to.include({ code: "too_far" });
      expect(
        await rejectionOf(mandateSigner.signMandate(request, terms({ premiumPerPeriod: 0n }))),
      ).to.include({
        field: "mandate.premiumPerPeriod",
        code: "zero",
      });
      expect(await rejectionOf(signer.signMandate(request, terms()))).to.include({ code: "no_mandates" });
      // None of these refusals cost a PIN attempt or wrote a signature.
      expect(secrets().failed_attempts).to.equal(0);
      expect(log()).to.have.length(1);
      expect(
        await rejectionOf(
          mandateSigner.signMandate({ beneficiaryRef: ALICE, check: { pin: "1357" } }, terms()),
        ),
      ).to.include({
        name: "AccessCheckError",
        code: "pin_incorrect",
      });
      expect(log()).to.have.length(1);
    });
  });
});
