import { expect } from "chai";
import { Wallet } from "ethers";
import {
  createChallenge,
  createCustodialWallets,
  CustodialSigner,
  proveControl,
  rebindWallet,
  setPin,
} from "../../../src/wallets";
import { unsealPrivateKey } from "../../../src/wallets/keystore/sealing";
import {
  LEDGER,
  LEDGER_DOMAIN,
  openWalletsFixture,
  receiptFor,
  rejectionOf,
  testKeystoreKey,
  testRef,
  type WalletsFixture,
} from "./helpers/walletsFixture";

const PERSIAN = "۰۱۲۳۴۵۶۷۸۹";
const ARABIC_INDIC = "٠١٢٣٤٥٦٧٨٩";
const inScript = (digits: string, script: string) => [...digits].map((d) => script[Number(d)]).join("");

/** Every spelling a PIN could be stored in: ASCII, Persian and Arabic-Indic digits, UTF-8 and UTF-16. */
function spellings(pin: string): Buffer[] {
  return [pin, inScript(pin, PERSIAN), inScript(pin, ARABIC_INDIC)].flatMap((text) => [
    Buffer.from(text, "utf8"),
    Buffer.from(text, "utf16le"),
  ]);
}

/** A private key as raw bytes and as hex in either case. */
function keyForms(privateKey: Buffer): Buffer[] {
  const hex = privateKey.toString("hex");
  return [privateKey, Buffer.from(hex, "utf8"), Buffer.from(hex.toUpperCase(), "utf8")];
}

describe("wallets: no PIN and no private key in the database file", () => {
  let fx: WalletsFixture;
  afterEach(() => fx.cleanup());

  it("holds none of the PINs used (set, typed right or wrong) nor any private key, in any form", async () => {
    fx = openWalletsFixture();
    const { ctx, db } = fx;
    const refs = Array.from({ length: 40 }, (_, i) => testRef(`privacy-${i}`));
    await createCustodialWallets(ctx, { beneficiaryRefs: refs });
    ctx.keystore.createMany("organisation", ["charity-privacy", "vendor-privacy"]);

    // Long PINs, so a chance match with other digits in the file is negligible, set in three scripts.
    const pins = ["73915062", "48291367", "50618293"];
    await setPin(ctx, { beneficiaryRef: refs[0]!, pin: pins[0]! });
    await setPin(ctx, { beneficiaryRef: refs[1]!, pin: inScript(pins[1]!, PERSIAN) });
    await setPin(ctx, { beneficiaryRef: refs[2]!, pin: inScript(pins[2]!, ARABIC_INDIC) });
    const wrongPins = ["86420975", "31975208"];

    const signer = new CustodialSigner(ctx, {
      caps: { maxSignaturesPerDay: 10, maxAmountPerDay: 1000n },
      ledger: LEDGER,
    });
    for (const [i, pin] of pins.entries()) {
      const request = (typed: string, nonce: bigint) =>
        signer.signReceipt(
          { beneficiaryRef: refs[i]!, check: { pin: typed } },
          LEDGER_DOMAIN,
          receiptFor(refs[i]!, fx.clock, { nonce }),
        );
      for (const wrong of wrongPins) await rejectionOf(request(wrong, 99n));
      await request(pin, 1n);
      await request(inScript(pin, PERSIAN), 2n);
    }
    // A PIN reset and a rebind write the same rows again.
    await setPin(ctx, { beneficiaryRef: refs[0]!, pin: pins[1]! });
    await rebindWallet(ctx, { beneficiaryRef: refs[3]!, to: { custodial: true }, reason: "card_lost" });
    const phone = Wallet.createRandom();
    const challenge = await createChallenge(ctx, { beneficiaryRef: refs[4]!, address: phone.address });
    await proveControl(ctx, {
      challengeId: challenge.challengeId,
      signature: await phone.signMessage(challenge.message),
    });

    const keys = db.prepare("SELECT address, sealed FROM keys").all() as {
      address: string;
      sealed: Buffer;
    }[];
    expect(keys).to.have.length(43);
    const privateKeys = keys.map(({ address, sealed }) =>
      unsealPrivateKey(testKeystoreKey(), address, sealed),
    );

    const scan = (bytes: Buffer) => {
      // The scan reads real content: the addresses it stores are there.
      expect(bytes.includes(Buffer.from(keys[0]!.address.slice(2), "utf8"))).to.equal(true);
      for (const pin of [...pins, ...wrongPins]) {
        for (const form of spellings(pin)) expect(bytes.includes(form), `PIN ${pin} found`).to.equal(false);
      }
      privateKeys.forEach((privateKey, i) => {
        for (const form of keyForms(privateKey))
          expect(bytes.includes(form), `private key ${i} found`).to.equal(false);
      });
    };
    scan(fx.fileBytes());
    db.pragma("wal_checkpoint(TRUNCATE)");
    scan(fx.fileBytes());
  });
});
