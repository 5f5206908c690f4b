import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import { LicenceKind, deployedSystem, ref } from "../helpers/system";
import { ROLE_NAMES, shouldRefuseRoles } from "../helpers/roles";
import { MerkleTree, hashPair, merkleLeaf, verifyProof } from "../helpers/merkle";

const NOT_REGISTRAR = ROLE_NAMES.filter((role) => role !== "registrar");
const CONFIRMATION_TYPES = ["bytes32", "bytes32", "uint256", "uint256", "uint8", "uint64"] as const;
const Channel = { App: 0, Sms: 1, PinCard: 2 } as const;
const BATCH_URI = "ipfs://bafy-batch-0001";

/** The fields of one delivery confirmation as the gateway would anchor it. */
function confirmationFields(n: number, channel: number = Channel.App): unknown[] {
  return [
    ref("beneficiary", n),
    ref("household", Math.floor(n / 2)),
    1n,
    BigInt(10 + n) * 10n ** 18n,
    channel,
    1_700_000_000n + BigInt(n),
  ];
}

/** The leaf of one confirmation: OpenZeppelin's double hash of its fields. */
function confirmationLeaf(n: number, channel: number = Channel.App): string {
  return merkleLeaf(CONFIRMATION_TYPES, confirmationFields(n, channel));
}

/** What `verifyReceipt` takes: the single hash of the fields, which it hashes into the leaf itself. */
function confirmationHash(n: number, channel: number = Channel.App): string {
  return ethers.keccak256(
    ethers.AbiCoder.defaultAbiCoder().encode(CONFIRMATION_TYPES, confirmationFields(n, channel)),
  );
}

/** Five confirmations (an odd count, so one node is carried up a level): anchored by the fixture. */
const ANCHORED = new MerkleTree([0, 1, 2, 3, 4].map((n) => confirmationLeaf(n, n % 3)));
/** Four other confirmations: left unanchored by the fixture. */
const FRESH = new MerkleTree([10, 11, 12, 13].map((n) => confirmationLeaf(n)));

/** The deployed system with the `ANCHORED` batch anchored by the registrar. */
async function anchorFixture() {
  const system = await deployedSystem();
  await system.anchor.connect(system.registrar).anchor(ANCHORED.root, ANCHORED.layers[0].length, BATCH_URI);
  return system;
}

describe("ReceiptAnchor", function () {
  describe("the test Merkle builder", function () {
    it("builds proofs that fold to the root with sorted-pair hashing", function () {
      for (const tree of [ANCHORED, FRESH]) {
        tree.layers[0].forEach((leaf, i) =>
          expect(verifyProof(tree.root, leaf, tree.proof(i))).to.equal(true),
        );
      }
      const [a, b] = FRESH.layers[0];
      expect(hashPair(a, b)).to.equal(hashPair(b, a));
      expect(FRESH.layers[1][0]).to.equal(
        ethers.keccak256(ethers.concat(BigInt(a) < BigInt(b) ? [a, b] : [b, a])),
      );
    });
  });

  describe("anchor", function () {
    it("records when and how many, and emits ReceiptsAnchored", async function () {
      const { anchor, registrar } = await loadFixture(anchorFixture);
      const anchoredAt = (await time.latest()) + 60;
      await time.setNextBlockTimestamp(anchoredAt);
      await expect(anchor.connect(registrar).anchor(FRESH.root, 4, BATCH_URI))
        .to.emit(anchor, "ReceiptsAnchored")
        .withArgs(FRESH.root, 4, BATCH_URI, registrar.address);
      const [at, count] = await anchor.anchorOf(FRESH.root);
      expect([at, count]).to.deep.equal([BigInt(anchoredAt), 4n]);
    });

    it("keeps the fixture's anchored batch with its count", async function () {
      const { anchor } = await loadFixture(anchorFixture);
      const [at, count] = await anchor.anchorOf(ANCHORED.root);
      expect(count).to.equal(5n);
      expect(at).to.be.greaterThan(0n);
      expect(at).to.be.at.most(BigInt(await time.latest()));
    });

    it("returns zeros from anchorOf for a root never anchored", async function () {
      const { anchor } = await loadFixture(anchorFixture);
      const [at, count] = await anchor.anchorOf(FRESH.root);
      expect([at, count]).to.deep.equal([0n, 0n]);
    });

    it("stores the largest uint64 count without disturbing the timestamp", async function () {
      const { anchor, registrar } = await loadFixture(anchorFixture);
      const maxCount = (1n << 64n) - 1n;
      const anchoredAt = (await time.latest()) + 5;
      await time.setNextBlockTimestamp(anchoredAt);
      await anchor.connect(registrar).anchor(FRESH.root, maxCount, BATCH_URI);
      const [at, count] = await anchor.anchorOf(FRESH.root);
      expect([at, count]).to.deep.equal([BigInt(anchoredAt), maxCount]);
    });

    it("reverts with AnchorExists when the root was already anchored", async function () {
      const { anchor, registrar } = await loadFixture(anchorFixture);
      const before = await anchor.anchorOf(ANCHORED.root);
      await expect(anchor.connect(registrar).anchor(ANCHORED.root, 99, "ipfs://another-file"))
        .to.be.revertedWithCustomError(anchor, "AnchorExists")
        .withArgs(ANCHORED.root);
      expect(await anchor.anchorOf(ANCHORED.root)).to.deep.equal(before);
    });

    it("reverts with AnchorInvalid when the root is zero", async function () {
      const { anchor, registrar } = await loadFixture(anchorFixture);
      await expect(anchor.connect(registrar).anchor(ethers.ZeroHash, 4, BATCH_URI))
        .to.be.revertedWithCustomError(anchor, "AnchorInvalid")
        .withArgs();
    });

    it("reverts with AnchorInvalid when the count is zero", async function () {
      const { anchor, registrar } = await loadFixture(anchorFixture);
      await expect(anchor.connect(registrar).anchor(FRESH.root, 0, BATCH_URI))
        .to.be.revertedWithCustomError(anchor, "AnchorInvalid")
        .withArgs();
      const [at, count] = await anchor.anchorOf(FRESH.root);
      expect([at, count]).to.deep.equal([0n, 0n]);
    });
  });

  describe("verifyReceipt", function () {
    it("returns true for every confirmation of an anchored batch with its proof", async function () {
      const { anchor, stranger } = await loadFixture(anchorFixture);
      for (let i = 0; i < ANCHORED.layers[0].length; i++) {
        const hash = confirmationHash(i, i % 3);
        expect(ethers.keccak256(hash)).to.equal(ANCHORED.layers[0][i]);
        expect(
          await anchor.connect(stranger).verifyReceipt(ANCHORED.root, hash, ANCHORED.proof(i)),
          `leaf ${i}`,
        ).to.be.true;
      }
    });

    it("returns false for a confirmation that is not in the batch", async function () {
      const { anchor } = await loadFixture(anchorFixture);
      const outsider = confirmationHash(99);
      for (let i = 0; i < ANCHORED.layers[0].length; i++) {
        expect(await anchor.verifyReceipt(ANCHORED.root, outsider, ANCHORED.proof(i))).to.equal(false);
      }
      expect(await anchor.verifyReceipt(ANCHORED.root, outsider, [])).to.equal(false);
    });

    it("returns false for a confirmation presented with another confirmation's proof", async function () {
      const { anchor } = await loadFixture(anchorFixture);
      expect(await anchor.verifyReceipt(ANCHORED.root, confirmationHash(0), ANCHORED.proof(2))).to.equal(
        false,
      );
    });

    it("returns false when one hash of the proof is altered", async function () {
      const { anchor } = await loadFixture(anchorFixture);
      const proof = ANCHORED.proof(1);
      const tampered = [...proof];
      tampered[1] = ethers.toBeHex(BigInt(tampered[1]) ^ 1n, 32);
      expect(await anchor.verifyReceipt(ANCHORED.root, confirmationHash(1, 1), tampered)).to.equal(false);
      expect(await anchor.verifyReceipt(ANCHORED.root, confirmationHash(1, 1), proof)).to.equal(true);
    });

    it("returns false for the leaf itself, since it hashes what it is given into the leaf", async function () {
      const { anchor } = await loadFixture(anchorFixture);
      const n = 3;
      expect(
        await anchor.verifyReceipt(ANCHORED.root, confirmationHash(n, n % 3), ANCHORED.proof(n)),
      ).to.equal(true);
      expect(await anchor.verifyReceipt(ANCHORED.root, ANCHORED.layers[0][n], ANCHORED.proof(n))).to.equal(
        false,
      );
    });

    it("returns false for an inner node presented with the rest of its path", async function () {
      const { anchor } = await loadFixture(anchorFixture);
      // Leaves 0 and 1 fold into layers[1][0]; its path to the root is leaf 0's path without the first step.
      const inner = ANCHORED.layers[1][0];
      const shortened = ANCHORED.proof(0).slice(1);
      expect(verifyProof(ANCHORED.root, inner, shortened)).to.equal(true);
      expect(await anchor.verifyReceipt(ANCHORED.root, inner, shortened)).to.equal(false);
    });

    it("returns false for a valid proof until its root is anchored, then true", async function () {
      const { anchor, registrar } = await loadFixture(anchorFixture);
      const hash = confirmationHash(12);
      const proof = FRESH.proof(2);
      expect(verifyProof(FRESH.root, ethers.keccak256(hash), proof)).to.equal(true);
      expect(await anchor.verifyReceipt(FRESH.root, hash, proof)).to.equal(false);
      await anchor.connect(registrar).anchor(FRESH.root, 4, BATCH_URI);
      expect(await anchor.verifyReceipt(FRESH.root, hash, proof)).to.equal(true);
    });

    it("returns false for a confirmation of one anchored batch checked against another anchored root", async function () {
      const { anchor, registrar } = await loadFixture(anchorFixture);
      await anchor.connect(registrar).anchor(FRESH.root, 4, BATCH_URI);
      expect(await anchor.verifyReceipt(ANCHORED.root, confirmationHash(0), ANCHORED.proof(0))).to.equal(
        true,
      );
      expect(await anchor.verifyReceipt(FRESH.root, confirmationHash(0), ANCHORED.proof(0))).to.equal(false);
      expect(await anchor.verifyReceipt(ANCHORED.root, confirmationHash(10), FRESH.proof(0))).to.equal(false);
    });

    it("verifies a batch of one confirmation, whose root is the leaf itself, with an empty proof", async function () {
      const { anchor, registrar } = await loadFixture(anchorFixture);
      const single = new MerkleTree([confirmationLeaf(42, Channel.PinCard)]);
      expect(single.root).to.equal(confirmationLeaf(42, Channel.PinCard));
      expect(single.proof(0)).to.deep.equal([]);
      await anchor.connect(registrar).anchor(single.root, 1, BATCH_URI);
      expect(await anchor.verifyReceipt(single.root, confirmationHash(42, Channel.PinCard), [])).to.equal(
        true,
      );
      expect(await anchor.verifyReceipt(single.root, single.root, [])).to.equal(false);
    });
  });

  describe("access control", function () {
    shouldRefuseRoles(
      "anchor",
      NOT_REGISTRAR,
      async () => {
        const system = await loadFixture(anchorFixture);
        return {
          actors: system,
          contract: system.anchor,
          call: (as) => system.anchor.connect(as).anchor(FRESH.root, 4, BATCH_URI),
        };
      },
      "AnchorUnauthorized",
      (caller) => [caller.address],
    );

    it("reverts with AnchorUnauthorized before checking the root when the caller is not a registrar", async function () {
      const { anchor, stranger } = await loadFixture(anchorFixture);
      await expect(anchor.connect(stranger).anchor(ethers.ZeroHash, 0, ""))
        .to.be.revertedWithCustomError(anchor, "AnchorUnauthorized")
        .withArgs(stranger.address);
    });

    it("reverts with AnchorUnauthorized when the registrar's licence is suspended", async function () {
      const { anchor, licences, regulator, registrar } = await loadFixture(anchorFixture);
      await licences
        .connect(regulator)
        .suspendLicence(registrar.address, LicenceKind.Registrar, ethers.ZeroHash);
      await expect(anchor.connect(registrar).anchor(FRESH.root, 4, BATCH_URI))
        .to.be.revertedWithCustomError(anchor, "AnchorUnauthorized")
        .withArgs(registrar.address);
      const [at, count] = await anchor.anchorOf(FRESH.root);
      expect([at, count]).to.deep.equal([0n, 0n]);
    });

    it("reverts with AnchorUnauthorized when the registrar's licence has expired", async function () {
      const { anchor, licences, registrar } = await loadFixture(anchorFixture);
      const { validUntil } = await licences.licenceOf(registrar.address, LicenceKind.Registrar);
      await time.increaseTo(validUntil + 1n);
      await expect(anchor.connect(registrar).anchor(FRESH.root, 4, BATCH_URI))
        .to.be.revertedWithCustomError(anchor, "AnchorUnauthorized")
        .withArgs(registrar.address);
    });

    it("keeps batches anchored before the registrar's licence was revoked verifiable", async function () {
      const { anchor, licences, regulator, registrar } = await loadFixture(anchorFixture);
      await licences
        .connect(regulator)
        .revokeLicence(registrar.address, LicenceKind.Registrar, ethers.ZeroHash);
      expect(
        await anchor.verifyReceipt(ANCHORED.root, confirmationHash(4, 4 % 3), ANCHORED.proof(4)),
      ).to.equal(true);
    });
  });
});
