import { randomBytes } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect } from "chai";
import { Transaction, verifyMessage, verifyTypedData, Wallet } from "ethers";
import {
  createKeystoreKeyRing,
  deriveKeystoreKey,
  firstOperatorAddress,
  KeystoreIntegrityError,
  LocalKeystore,
  loadOrCreateKeystoreSalt,
} from "../../../src/wallets";
import { generateKey, KEY_GENERATION_BACKEND } from "../../../src/wallets/keystore/generateKey";
import { SEALED_BYTES, sealPrivateKey, unsealPrivateKey } from "../../../src/wallets/keystore/sealing";
import { NotFoundError, ValidationError } from "../../../src/errors";
import {
  openWalletsFixture,
  rejectionOf,
  TEST_PASSPHRASE,
  TEST_SALT,
  testKeystoreKey,
  testRef,
  type WalletsFixture,
} from "./helpers/walletsFixture";

interface KeyRow {
  address: string;
  purpose: string;
  owner: string;
  key_version: number;
  sealed: Buffer;
}

describe("wallets: local keystore", () => {
  let fx: WalletsFixture;
  const open = (options?: Parameters<typeof openWalletsFixture>[0]) => (fx = openWalletsFixture(options));
  const row = (address: string) =>
    fx.db.prepare("SELECT * FROM keys WHERE address = ?").get(address) as KeyRow;

  afterEach(() => fx?.cleanup());

  describe("keystore key", () => {
    it("derives one 32-byte key per passphrase and salt, and a different one for another salt", () => {
      const key = testKeystoreKey();
      expect(key).to.have.length(32);
      expect(deriveKeystoreKey(TEST_PASSPHRASE, TEST_SALT).equals(key)).to.equal(true);
      expect(deriveKeystoreKey(TEST_PASSPHRASE, Buffer.from("another-salt-16b")).equals(key)).to.equal(false);
    });

    it("refuses an empty passphrase and a short salt", () => {
      expect(() => deriveKeystoreKey("", TEST_SALT)).to.throw(RangeError);
      expect(() => deriveKeystoreKey(TEST_PASSPHRASE, Buffer.alloc(8))).to.throw(RangeError);
    });

    it("creates the salt file in the data folder once and reads the same salt afterwards", () => {
      const dataDir = join(mkdtempSync(join(tmpdir(), "sintech-salt-")), "data");
      try {
        const first = loadOrCreateKeystoreSalt(dataDir);
        expect(first).to.have.length(16);
        expect(loadOrCreateKeystoreSalt(dataDir).equals(first)).to.equal(true);
        expect(readFileSync(join(dataDir, "keystore.salt")).equals(first)).to.equal(true);
      } finally {
        rmSync(join(dataDir, ".."), { recursive: true, force: true });
      }
    });
  });

  describe("key generation", () => {
    it("uses native libsecp256k1 here, and its addresses are those ethers (pure JS) derives", () => {
      // linux-x64 ships the prebuilt binding: the slow path must not be taken silently on this machine.
      expect(KEY_GENERATION_BACKEND).to.equal("native");
      const seen = new Set<string>();
      for (let i = 0; i < 200; i++) {
        const { address, privateKey } = generateKey();
        expect(address).to.equal(new Wallet(`0x${privateKey.toString("hex")}`).address.toLowerCase());
        seen.add(address);
      }
      expect(seen.size).to.equal(200);
    });
  });

  describe("sealing", () => {
    it("round-trips a private key, and the key belongs to its address", () => {
      const { address, privateKey } = generateKey();
      expect(address).to.equal(new Wallet(`0x${privateKey.toString("hex")}`).address.toLowerCase());
      const sealed = sealPrivateKey(testKeystoreKey(), address, privateKey);
      expect(sealed).to.have.length(SEALED_BYTES);
      expect(unsealPrivateKey(testKeystoreKey(), address, sealed).equals(privateKey)).to.equal(true);
    });

    it("stores sealed bytes that contain neither the raw key nor its hex", () => {
      const { ctx } = open();
      const address = ctx.keystore.create("operator", "gateway-operator");
      const { sealed } = row(address);
      const privateKey = unsealPrivateKey(testKeystoreKey(), address, sealed);
      expect(sealed).to.have.length(60);
      expect(sealed.includes(privateKey)).to.equal(false);
      const hex = privateKey.toString("hex");
      for (const form of [hex, hex.toUpperCase()]) {
        expect(sealed.includes(Buffer.from(form, "utf8"))).to.equal(false);
        expect(sealed.toString("latin1").includes(form)).to.equal(false);
      }
    });

    it("fails to unseal with a wrong keystore key", () => {
      const { ctx } = open();
      const address = ctx.keystore.create("operator", "gateway-operator");
      expect(() => unsealPrivateKey(randomBytes(32), address, row(address).sealed)).to.throw();

      const wrong = new LocalKeystore(fx.db, {
        keys: createKeystoreKeyRing({ current: 1, keys: [{ version: 1, secret: randomBytes(32) }] }),
      });
      expect(() => wrong.signer(address)).to.throw(KeystoreIntegrityError);
    });

    it("fails to unseal a sealed key copied onto another address's row", () => {
      const { ctx } = open();
      const [a, b] = ctx.keystore.createMany("organisation", ["charity-1", "charity-2"]) as [string, string];
      fx.db.prepare("UPDATE keys SET sealed = ? WHERE address = ?").run(row(a).sealed, b);
      expect(() => ctx.keystore.signer(b)).to.throw(KeystoreIntegrityError);
      expect(ctx.keystore.signer(a).address).to.equal(a);
    });
  });

  describe("keys and signers", () => {
    it("finds the first operator through an index no custodial key enters; no index is keyed by owner", () => {
      const { ctx, db, clock } = open();
      expect(firstOperatorAddress(db)).to.equal(undefined);
      ctx.keystore.createMany("custodial", [testRef(1), testRef(2)]);
      const first = ctx.keystore.create("operator", "gateway");
      clock.advance(1_000);
      ctx.keystore.create("operator", "gateway");
      ctx.keystore.create("organisation", "charity-1");
      expect(firstOperatorAddress(db)).to.equal(first);
      const plan = db
        .prepare(
          "EXPLAIN QUERY PLAN SELECT address FROM keys WHERE purpose = 'operator' ORDER BY created_at LIMIT 1",
        )
        .all() as { detail: string }[];
      expect(plan.map((step) => step.detail).join(";")).to.match(/USING INDEX keys_operators/);
      const entries = db
        .prepare("SELECT count(*) FROM keys INDEXED BY keys_operators WHERE purpose = 'operator'")
        .pluck()
        .get();
      expect(entries).to.equal(2);
      const byOwner = (
        db.prepare("SELECT name FROM pragma_index_list('keys')").pluck().all() as string[]
      ).filter(
        (name) =>
          (db
            .prepare("SELECT name FROM pragma_index_info(?) WHERE seqno = 0")
            .pluck()
            .get(name) as string) === "owner",
      );
      expect(byOwner).to.deep.equal([]);
    });

    it("records purpose, owner and key version, and signs messages, typed data and transactions as the stored address", async () => {
      const { ctx } = open();
      const address = ctx.keystore.create("organisation", "charity-42");
      expect(address).to.match(/^0x[0-9a-f]{40}$/);
      expect(ctx.keystore.describe(address)).to.include({
        address,
        purpose: "organisation",
        owner: "charity-42",
        keyVersion: 1,
      });

      const signer = ctx.keystore.signer(address);
      expect(signer.address).to.equal(address);
      expect(verifyMessage("hello", await signer.signMessage("hello")).toLowerCase()).to.equal(address);

      const domain = { name: "Test", version: "1", chainId: 31337 };
      const types = { Ping: [{ name: "n", type: "uint256" }] };
      const typedSignature = await signer.signTypedData(domain, types, { n: 1n });
      expect(verifyTypedData(domain, types, { n: 1n }, typedSignature).toLowerCase()).to.equal(address);

      const raw = await signer.signTransaction({
        to: "0x000000000000000000000000000000000000dead",
        value: 1n,
        nonce: 0,
        gasLimit: 21_000n,
        maxFeePerGas: 2_000_000_000n,
        maxPriorityFeePerGas: 1_000_000_000n,
        chainId: 31337n,
        type: 2,
      });
      expect(Transaction.from(raw).from!.toLowerCase()).to.equal(address);
    });

    it("refuses owners that look like personal data, and custodial owners that are not beneficiary refs", async () => {
      const { ctx } = open();
      for (const owner of ["0012345678", "09121234567", "Ali Rezaei", ""]) {
        const error = await rejectionOf(() => ctx.keystore.create("organisation", owner));
        expect(error).to.be.instanceOf(ValidationError);
        expect(error).to.include({ field: "owner" });
      }
      expect(await rejectionOf(() => ctx.keystore.create("custodial", "charity-1"))).to.be.instanceOf(
        ValidationError,
      );
      expect(ctx.keystore.create("custodial", testRef(1))).to.match(/^0x[0-9a-f]{40}$/);
      expect(fx.db.prepare("SELECT count(*) AS n FROM keys").get()).to.deep.equal({ n: 1 });
    });

    it("answers NotFound for an address it holds no key for", async () => {
      const { ctx } = open();
      const error = await rejectionOf(() => ctx.keystore.signer(Wallet.createRandom().address));
      expect(error).to.be.instanceOf(NotFoundError);
    });

    it("keeps unsealed signers only when a cache is configured", () => {
      const { ctx } = open();
      const address = ctx.keystore.create("operator", "gateway-operator");
      expect(ctx.keystore.signer(address)).not.to.equal(ctx.keystore.signer(address));
      fx.cleanup();
      const cached = open({ signerCacheSize: 2 }).ctx;
      const cachedAddress = cached.keystore.create("operator", "gateway-operator");
      expect(cached.keystore.signer(cachedAddress)).to.equal(cached.keystore.signer(cachedAddress));
    });
  });

  describe("key rotation", () => {
    it("re-seals every key under the new keystore key version, after which the old key can be dropped", async () => {
      const oldKey = testKeystoreKey();
      const newKey = randomBytes(32);
      const { ctx } = open({
        keystoreKeys: createKeystoreKeyRing({ current: 1, keys: [{ version: 1, secret: oldKey }] }),
      });
      const addresses = ctx.keystore.createMany("organisation", ["org-a", "org-b", "org-c"]);

      const rotating = new LocalKeystore(fx.db, {
        keys: createKeystoreKeyRing({
          current: 2,
          keys: [
            { version: 1, secret: oldKey },
            { version: 2, secret: newKey },
          ],
        }),
      });
      const fresh = rotating.create("organisation", "org-d");
      expect(rotating.describe(fresh)!.keyVersion).to.equal(2);
      expect(rotating.reseal()).to.equal(3);
      expect(rotating.reseal()).to.equal(0);

      const onlyNew = new LocalKeystore(fx.db, {
        keys: createKeystoreKeyRing({ current: 2, keys: [{ version: 2, secret: newKey }] }),
      });
      for (const address of [...addresses, fresh]) {
        expect(row(address).key_version).to.equal(2);
        const signer = onlyNew.signer(address);
        expect(verifyMessage("rotated", await signer.signMessage("rotated")).toLowerCase()).to.equal(address);
      }
      expect(() => ctx.keystore.signer(addresses[0]!)).to.throw(KeystoreIntegrityError);
    });
  });
});
