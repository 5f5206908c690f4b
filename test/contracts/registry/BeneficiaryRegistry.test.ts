import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/signers";
import type { IBeneficiaryRegistry } from "../../../typechain-types";
import { BeneficiaryStatus, DAY, LicenceKind, deployedSystem, ref } from "../helpers/system";
import { ROLE_NAMES, shouldRefuseRoles } from "../helpers/roles";

type Registration = IBeneficiaryRegistry.RegistrationStruct;

const MAX_BATCH = 300;
const LOST_PHONE = ethers.encodeBytes32String("lost-phone");
const STOLEN_PHONE = ethers.encodeBytes32String("stolen-phone");
const GRACE = 7n * BigInt(DAY);
const TAG_MASK = (1n << 88n) - 1n;
const NOT_REGISTRAR = ROLE_NAMES.filter((role) => role !== "registrar");

const HOUSEHOLD_A = ref("household", "A");
const HOUSEHOLD_B = ref("household", "B");
const AMINA = ref("beneficiary", "amina");
const BASSAM = ref("beneficiary", "bassam");
const CHADIA = ref("beneficiary", "chadia");

/** A deterministic wallet address that no fixture signer uses. */
function walletAddress(n: number): string {
  return ethers.getAddress(ethers.dataSlice(ethers.id(`test-wallet-${n}`), 12));
}

/** `count` fresh registrations, each its own beneficiary and wallet, all in one household. */
function freshRegistrations(count: number, offset = 0): Registration[] {
  return Array.from({ length: count }, (_, i) => ({
    beneficiaryRef: ref("beneficiary", `batch-${offset + i}`),
    householdRef: ref("household", `batch-${Math.floor((offset + i) / 4)}`),
    wallet: walletAddress(offset + i),
  }));
}

/** The 88-bit tag computed off-chain: low bits of `keccak256(abi.encode(householdRef))`. */
function expectedTag(householdRef: string): bigint {
  return (
    BigInt(ethers.keccak256(ethers.AbiCoder.defaultAbiCoder().encode(["bytes32"], [householdRef]))) & TAG_MASK
  );
}

/**
 * The deployed system with three beneficiaries registered: Amina and Bassam in household A, Chadia in
 * household B, on `beneficiaries[0..2]`. `beneficiaries[3..]` are unbound.
 */
async function registryFixture() {
  const system = await deployedSystem();
  const [amina, bassam, chadia, ...unbound] = system.beneficiaries;
  await system.registry.connect(system.registrar).registerBatch([
    { beneficiaryRef: AMINA, householdRef: HOUSEHOLD_A, wallet: amina.address },
    { beneficiaryRef: BASSAM, householdRef: HOUSEHOLD_A, wallet: bassam.address },
    { beneficiaryRef: CHADIA, householdRef: HOUSEHOLD_B, wallet: chadia.address },
  ]);
  return { ...system, amina, bassam, chadia, unbound };
}

async function expectBeneficiary(
  registry: Awaited<ReturnType<typeof registryFixture>>["registry"],
  beneficiaryRef: string,
  expected: { wallet: string; status: number; householdRef: string | null },
): Promise<void> {
  const [wallet, status, tag] = await registry.beneficiary(beneficiaryRef);
  expect({ wallet, status, tag }).to.deep.equal({
    wallet: expected.wallet,
    status: BigInt(expected.status),
    tag: expected.householdRef === null ? 0n : expectedTag(expected.householdRef),
  });
}

describe("BeneficiaryRegistry", function () {
  describe("registerBatch", function () {
    it("registers every entry as active, binds each wallet to its household and emits BeneficiaryRegistered", async function () {
      const { registry, registrar } = await loadFixture(registryFixture);
      const batch = freshRegistrations(3);
      const tx = registry.connect(registrar).registerBatch(batch);
      for (const entry of batch) {
        await expect(tx)
          .to.emit(registry, "BeneficiaryRegistered")
          .withArgs(entry.beneficiaryRef, entry.householdRef, entry.wallet);
      }
      for (const entry of batch) {
        await expectBeneficiary(registry, entry.beneficiaryRef as string, {
          wallet: entry.wallet as string,
          status: BeneficiaryStatus.Active,
          householdRef: entry.householdRef as string,
        });
        expect(await registry.householdOf(entry.wallet)).to.equal(entry.householdRef);
      }
    });

    it("binds the wallets of two members of one household to that household", async function () {
      const { registry, amina, bassam, chadia } = await loadFixture(registryFixture);
      expect(await registry.householdOf(amina.address)).to.equal(HOUSEHOLD_A);
      expect(await registry.householdOf(bassam.address)).to.equal(HOUSEHOLD_A);
      expect(await registry.householdOf(chadia.address)).to.equal(HOUSEHOLD_B);
      await expectBeneficiary(registry, BASSAM, {
        wallet: bassam.address,
        status: BeneficiaryStatus.Active,
        householdRef: HOUSEHOLD_A,
      });
    });

    it("registers a batch of one", async function () {
      const { registry, registrar } = await loadFixture(registryFixture);
      const [entry] = freshRegistrations(1);
      await expect(registry.connect(registrar).registerBatch([entry]))
        .to.emit(registry, "BeneficiaryRegistered")
        .withArgs(entry.beneficiaryRef, entry.householdRef, entry.wallet);
      expect(await registry.householdOf(entry.wallet)).to.equal(entry.householdRef);
    });

    it("registers a batch of exactly MAX_BATCH (300) entries", async function () {
      // The batch must fit in one transaction, so under the EIP-7825 cap of 2^24 gas (Hardhat's default
      // "osaka" hardfork enforces it) at roughly 49k gas an entry.
      const { registry, registrar } = await loadFixture(registryFixture);
      expect(await registry.MAX_BATCH()).to.equal(MAX_BATCH);
      const batch = freshRegistrations(MAX_BATCH);
      await registry.connect(registrar).registerBatch(batch);
      for (const index of [0, 1, 150, MAX_BATCH - 2, MAX_BATCH - 1]) {
        const entry = batch[index];
        await expectBeneficiary(registry, entry.beneficiaryRef as string, {
          wallet: entry.wallet as string,
          status: BeneficiaryStatus.Active,
          householdRef: entry.householdRef as string,
        });
        expect(await registry.householdOf(entry.wallet)).to.equal(entry.householdRef);
      }
    });

    it("reverts with RegistrationBatchSize when the batch has MAX_BATCH + 1 entries", async function () {
      const { registry, registrar } = await loadFixture(registryFixture);
      const batch = freshRegistrations(MAX_BATCH + 1);
      await expect(registry.connect(registrar).registerBatch(batch))
        .to.be.revertedWithCustomError(registry, "RegistrationBatchSize")
        .withArgs(MAX_BATCH + 1, MAX_BATCH);
      await expectBeneficiary(registry, batch[0].beneficiaryRef as string, {
        wallet: ethers.ZeroAddress,
        status: BeneficiaryStatus.None,
        householdRef: null,
      });
    });

    it("reverts with RegistrationBatchSize when the batch is empty", async function () {
      const { registry, registrar } = await loadFixture(registryFixture);
      await expect(registry.connect(registrar).registerBatch([]))
        .to.be.revertedWithCustomError(registry, "RegistrationBatchSize")
        .withArgs(0, MAX_BATCH);
    });

    it("reverts with RegistrationInvalid when a beneficiary ref is zero", async function () {
      const { registry, registrar } = await loadFixture(registryFixture);
      const [entry] = freshRegistrations(1);
      await expect(registry.connect(registrar).registerBatch([{ ...entry, beneficiaryRef: ethers.ZeroHash }]))
        .to.be.revertedWithCustomError(registry, "RegistrationInvalid")
        .withArgs(ethers.ZeroHash);
      expect(await registry.householdOf(entry.wallet)).to.equal(ethers.ZeroHash);
    });

    it("reverts with RegistrationInvalid when a household ref is zero", async function () {
      const { registry, registrar } = await loadFixture(registryFixture);
      const [entry] = freshRegistrations(1);
      await expect(registry.connect(registrar).registerBatch([{ ...entry, householdRef: ethers.ZeroHash }]))
        .to.be.revertedWithCustomError(registry, "RegistrationInvalid")
        .withArgs(entry.beneficiaryRef);
    });

    it("reverts with RegistrationInvalid when a wallet is zero", async function () {
      const { registry, registrar } = await loadFixture(registryFixture);
      const [entry] = freshRegistrations(1);
      await expect(registry.connect(registrar).registerBatch([{ ...entry, wallet: ethers.ZeroAddress }]))
        .to.be.revertedWithCustomError(registry, "RegistrationInvalid")
        .withArgs(entry.beneficiaryRef);
      await expectBeneficiary(registry, entry.beneficiaryRef as string, {
        wallet: ethers.ZeroAddress,
        status: BeneficiaryStatus.None,
        householdRef: null,
      });
    });

    it("reverts with BeneficiaryAlreadyRegistered when a ref was registered before", async function () {
      const { registry, registrar } = await loadFixture(registryFixture);
      const [entry] = freshRegistrations(1);
      await expect(registry.connect(registrar).registerBatch([{ ...entry, beneficiaryRef: AMINA }]))
        .to.be.revertedWithCustomError(registry, "BeneficiaryAlreadyRegistered")
        .withArgs(AMINA);
      expect(await registry.householdOf(entry.wallet)).to.equal(ethers.ZeroHash);
    });

    it("reverts with WalletAlreadyBound when a wallet is bound to another beneficiary", async function () {
      const { registry, registrar, chadia } = await loadFixture(registryFixture);
      const [entry] = freshRegistrations(1);
      await expect(registry.connect(registrar).registerBatch([{ ...entry, wallet: chadia.address }]))
        .to.be.revertedWithCustomError(registry, "WalletAlreadyBound")
        .withArgs(chadia.address);
      expect(await registry.householdOf(chadia.address)).to.equal(HOUSEHOLD_B);
      await expectBeneficiary(registry, entry.beneficiaryRef as string, {
        wallet: ethers.ZeroAddress,
        status: BeneficiaryStatus.None,
        householdRef: null,
      });
    });

    describe("writes nothing of a batch that fails", function () {
      async function expectNoneRegistered(
        registry: Awaited<ReturnType<typeof registryFixture>>["registry"],
        entries: Registration[],
      ): Promise<void> {
        for (const entry of entries) {
          await expectBeneficiary(registry, entry.beneficiaryRef as string, {
            wallet: ethers.ZeroAddress,
            status: BeneficiaryStatus.None,
            householdRef: null,
          });
          expect(await registry.householdOf(entry.wallet)).to.equal(ethers.ZeroHash);
        }
      }

      it("reverts with BeneficiaryAlreadyRegistered when a ref repeats within the batch, registering none of it", async function () {
        const { registry, registrar } = await loadFixture(registryFixture);
        const [first, second, third] = freshRegistrations(3);
        const repeat = { ...third, beneficiaryRef: second.beneficiaryRef };
        await expect(registry.connect(registrar).registerBatch([first, second, repeat]))
          .to.be.revertedWithCustomError(registry, "BeneficiaryAlreadyRegistered")
          .withArgs(second.beneficiaryRef);
        await expectNoneRegistered(registry, [first, second]);
        expect(await registry.householdOf(third.wallet)).to.equal(ethers.ZeroHash);
      });

      it("reverts with WalletAlreadyBound when a wallet repeats within the batch, registering none of it", async function () {
        const { registry, registrar } = await loadFixture(registryFixture);
        const [first, second, third] = freshRegistrations(3);
        const repeat = { ...third, wallet: first.wallet };
        await expect(registry.connect(registrar).registerBatch([first, second, repeat]))
          .to.be.revertedWithCustomError(registry, "WalletAlreadyBound")
          .withArgs(first.wallet);
        await expectNoneRegistered(registry, [first, second]);
        await expectBeneficiary(registry, third.beneficiaryRef as string, {
          wallet: ethers.ZeroAddress,
          status: BeneficiaryStatus.None,
          householdRef: null,
        });
      });

      it("reverts with WalletAlreadyBound when the last entry reuses a bound wallet, registering none of it", async function () {
        const { registry, registrar, amina } = await loadFixture(registryFixture);
        const batch = freshRegistrations(4);
        batch[3] = { ...batch[3], wallet: amina.address };
        await expect(registry.connect(registrar).registerBatch(batch))
          .to.be.revertedWithCustomError(registry, "WalletAlreadyBound")
          .withArgs(amina.address);
        await expectNoneRegistered(registry, batch.slice(0, 3));
        expect(await registry.householdOf(amina.address)).to.equal(HOUSEHOLD_A);
      });

      it("reverts with RegistrationInvalid when the last entry has a zero wallet, registering none of it", async function () {
        const { registry, registrar } = await loadFixture(registryFixture);
        const batch = freshRegistrations(3);
        batch[2] = { ...batch[2], wallet: ethers.ZeroAddress };
        await expect(registry.connect(registrar).registerBatch(batch))
          .to.be.revertedWithCustomError(registry, "RegistrationInvalid")
          .withArgs(batch[2].beneficiaryRef);
        await expectNoneRegistered(registry, batch.slice(0, 2));
      });
    });
  });

  describe("rebindWallet", function () {
    it("moves the household to the new wallet, clears the old one, keeps status and tag, and emits WalletRebound", async function () {
      const { registry, registrar, amina, unbound } = await loadFixture(registryFixture);
      const newWallet = unbound[0].address;
      await expect(registry.connect(registrar).rebindWallet(AMINA, newWallet, LOST_PHONE))
        .to.emit(registry, "WalletRebound")
        .withArgs(AMINA, amina.address, newWallet, LOST_PHONE);
      await expectBeneficiary(registry, AMINA, {
        wallet: newWallet,
        status: BeneficiaryStatus.Active,
        householdRef: HOUSEHOLD_A,
      });
      expect(await registry.householdOf(newWallet)).to.equal(HOUSEHOLD_A);
      expect(await registry.householdOf(amina.address)).to.equal(ethers.ZeroHash);
      expect(await registry.activeWalletIn(AMINA, HOUSEHOLD_A)).to.equal(newWallet);
    });

    it("leaves the other members of the household bound", async function () {
      const { registry, registrar, bassam, unbound } = await loadFixture(registryFixture);
      await registry.connect(registrar).rebindWallet(AMINA, unbound[0].address, LOST_PHONE);
      expect(await registry.householdOf(bassam.address)).to.equal(HOUSEHOLD_A);
      expect(await registry.activeWalletIn(BASSAM, HOUSEHOLD_A)).to.equal(bassam.address);
    });

    it("keeps a suspended beneficiary suspended after a rebind", async function () {
      const { registry, registrar, unbound } = await loadFixture(registryFixture);
      await registry.connect(registrar).setStatus(AMINA, BeneficiaryStatus.Suspended);
      await registry.connect(registrar).rebindWallet(AMINA, unbound[0].address, LOST_PHONE);
      await expectBeneficiary(registry, AMINA, {
        wallet: unbound[0].address,
        status: BeneficiaryStatus.Suspended,
        householdRef: HOUSEHOLD_A,
      });
      expect(await registry.householdOf(unbound[0].address)).to.equal(HOUSEHOLD_A);
    });

    it("releases the old wallet so that it can be registered for someone else", async function () {
      const { registry, registrar, amina, unbound } = await loadFixture(registryFixture);
      await registry.connect(registrar).rebindWallet(AMINA, unbound[0].address, LOST_PHONE);
      const newcomer = ref("beneficiary", "newcomer");
      await registry
        .connect(registrar)
        .registerBatch([{ beneficiaryRef: newcomer, householdRef: HOUSEHOLD_B, wallet: amina.address }]);
      expect(await registry.householdOf(amina.address)).to.equal(HOUSEHOLD_B);
      expect(await registry.activeWalletIn(newcomer, HOUSEHOLD_B)).to.equal(amina.address);
    });

    it("reverts with BeneficiaryUnknown when the ref is not registered", async function () {
      const { registry, registrar, unbound } = await loadFixture(registryFixture);
      const unknown = ref("beneficiary", "unknown");
      await expect(registry.connect(registrar).rebindWallet(unknown, unbound[0].address, LOST_PHONE))
        .to.be.revertedWithCustomError(registry, "BeneficiaryUnknown")
        .withArgs(unknown);
      expect(await registry.householdOf(unbound[0].address)).to.equal(ethers.ZeroHash);
    });

    it("reverts with BeneficiaryStatusInvalid when the beneficiary is deceased", async function () {
      const { registry, registrar, amina, unbound } = await loadFixture(registryFixture);
      await registry.connect(registrar).setStatus(AMINA, BeneficiaryStatus.Deceased);
      await expect(registry.connect(registrar).rebindWallet(AMINA, unbound[0].address, LOST_PHONE))
        .to.be.revertedWithCustomError(registry, "BeneficiaryStatusInvalid")
        .withArgs(AMINA, BeneficiaryStatus.Deceased);
      expect((await registry.beneficiary(AMINA)).wallet).to.equal(amina.address);
      expect(await registry.householdOf(unbound[0].address)).to.equal(ethers.ZeroHash);
    });

    it("reverts with RegistrationInvalid when the new wallet is zero", async function () {
      const { registry, registrar, amina } = await loadFixture(registryFixture);
      await expect(registry.connect(registrar).rebindWallet(AMINA, ethers.ZeroAddress, LOST_PHONE))
        .to.be.revertedWithCustomError(registry, "RegistrationInvalid")
        .withArgs(AMINA);
      expect(await registry.householdOf(amina.address)).to.equal(HOUSEHOLD_A);
    });

    it("reverts with WalletAlreadyBound when the new wallet belongs to another beneficiary", async function () {
      const { registry, registrar, amina, chadia } = await loadFixture(registryFixture);
      await expect(registry.connect(registrar).rebindWallet(AMINA, chadia.address, LOST_PHONE))
        .to.be.revertedWithCustomError(registry, "WalletAlreadyBound")
        .withArgs(chadia.address);
      expect(await registry.householdOf(chadia.address)).to.equal(HOUSEHOLD_B);
      expect((await registry.beneficiary(AMINA)).wallet).to.equal(amina.address);
    });

    it("reverts with WalletAlreadyBound when the new wallet is the beneficiary's current wallet", async function () {
      const { registry, registrar, amina } = await loadFixture(registryFixture);
      await expect(registry.connect(registrar).rebindWallet(AMINA, amina.address, LOST_PHONE))
        .to.be.revertedWithCustomError(registry, "WalletAlreadyBound")
        .withArgs(amina.address);
      expect(await registry.householdOf(amina.address)).to.equal(HOUSEHOLD_A);
    });
  });

  describe("previous wallet after rebindWallet", function () {
    it("has a PREVIOUS_WALLET_RECEIPT_GRACE of 7 days", async function () {
      const { registry } = await loadFixture(registryFixture);
      expect(await registry.PREVIOUS_WALLET_RECEIPT_GRACE()).to.equal(GRACE);
    });

    it("returns zeros from previousWalletGrace for a registered beneficiary never rebound and an unknown ref", async function () {
      const { registry } = await loadFixture(registryFixture);
      expect(await registry.previousWalletGrace(AMINA)).to.deep.equal([ethers.ZeroAddress, 0n]);
      expect(await registry.previousWalletGrace(ref("beneficiary", "unknown"))).to.deep.equal([
        ethers.ZeroAddress,
        0n,
      ]);
    });

    it("records the replaced wallet and emits PreviousWalletGraceStarted ending the grace after the rebind", async function () {
      const { registry, registrar, amina, unbound } = await loadFixture(registryFixture);
      const reboundAt = BigInt(await time.latest()) + 60n;
      await time.setNextBlockTimestamp(reboundAt);
      await expect(registry.connect(registrar).rebindWallet(AMINA, unbound[0].address, LOST_PHONE))
        .to.emit(registry, "PreviousWalletGraceStarted")
        .withArgs(AMINA, amina.address, reboundAt + GRACE);
      expect(await registry.previousWalletGrace(AMINA)).to.deep.equal([amina.address, reboundAt + GRACE]);
      expect(await registry.previousWalletGrace(BASSAM)).to.deep.equal([ethers.ZeroAddress, 0n]);
    });

    it("keeps answering previousWalletGrace once the grace has passed: the ledger compares it with the deadline", async function () {
      const { registry, registrar, amina, unbound } = await loadFixture(registryFixture);
      await registry.connect(registrar).rebindWallet(AMINA, unbound[0].address, LOST_PHONE);
      const reboundAt = BigInt(await time.latest());
      await time.increase(GRACE * 2n);
      expect(await registry.previousWalletGrace(AMINA)).to.deep.equal([amina.address, reboundAt + GRACE]);
    });

    it("remembers only the wallet the latest rebind replaced", async function () {
      const { registry, registrar, unbound } = await loadFixture(registryFixture);
      await registry.connect(registrar).rebindWallet(AMINA, unbound[0].address, LOST_PHONE);
      await time.increase(DAY);
      await registry.connect(registrar).rebindWallet(AMINA, unbound[1].address, LOST_PHONE);
      const reboundAt = BigInt(await time.latest());
      expect(await registry.previousWalletGrace(AMINA)).to.deep.equal([
        unbound[0].address,
        reboundAt + GRACE,
      ]);
    });

    it("returns zeros from previousWalletGrace once the previous wallet is registered for someone else", async function () {
      const { registry, registrar, amina, unbound } = await loadFixture(registryFixture);
      await registry.connect(registrar).rebindWallet(AMINA, unbound[0].address, LOST_PHONE);
      await registry.connect(registrar).registerBatch([
        {
          beneficiaryRef: ref("beneficiary", "newcomer"),
          householdRef: HOUSEHOLD_B,
          wallet: amina.address,
        },
      ]);
      expect(await registry.previousWalletGrace(AMINA)).to.deep.equal([ethers.ZeroAddress, 0n]);
    });

    it("returns zeros from previousWalletGrace once the previous wallet is rebound to another beneficiary", async function () {
      const { registry, registrar, amina, unbound } = await loadFixture(registryFixture);
      await registry.connect(registrar).rebindWallet(AMINA, unbound[0].address, LOST_PHONE);
      await registry.connect(registrar).rebindWallet(CHADIA, amina.address, LOST_PHONE);
      expect(await registry.previousWalletGrace(AMINA)).to.deep.equal([ethers.ZeroAddress, 0n]);
    });
  });

  describe("rebindWalletCompromised", function () {
    it("moves the household to the new wallet like rebindWallet, emits WalletRebound and PreviousWalletVoided, and leaves no grace", async function () {
      const { registry, registrar, amina, unbound } = await loadFixture(registryFixture);
      const newWallet = unbound[0].address;
      const tx = registry.connect(registrar).rebindWalletCompromised(AMINA, newWallet, STOLEN_PHONE);
      await expect(tx)
        .to.emit(registry, "WalletRebound")
        .withArgs(AMINA, amina.address, newWallet, STOLEN_PHONE);
      await expect(tx).to.emit(registry, "PreviousWalletVoided").withArgs(AMINA, amina.address, STOLEN_PHONE);
      await expect(tx).to.not.emit(registry, "PreviousWalletGraceStarted");
      await expectBeneficiary(registry, AMINA, {
        wallet: newWallet,
        status: BeneficiaryStatus.Active,
        householdRef: HOUSEHOLD_A,
      });
      expect(await registry.householdOf(newWallet)).to.equal(HOUSEHOLD_A);
      expect(await registry.householdOf(amina.address)).to.equal(ethers.ZeroHash);
      expect(await registry.previousWalletGrace(AMINA)).to.deep.equal([ethers.ZeroAddress, 0n]);
    });

    it("ends the grace an earlier lost-wallet rebind left", async function () {
      const { registry, registrar, unbound } = await loadFixture(registryFixture);
      await registry.connect(registrar).rebindWallet(AMINA, unbound[0].address, LOST_PHONE);
      await registry.connect(registrar).rebindWalletCompromised(AMINA, unbound[1].address, STOLEN_PHONE);
      expect(await registry.previousWalletGrace(AMINA)).to.deep.equal([ethers.ZeroAddress, 0n]);
    });

    it("keeps a suspended beneficiary suspended", async function () {
      const { registry, registrar, unbound } = await loadFixture(registryFixture);
      await registry.connect(registrar).setStatus(AMINA, BeneficiaryStatus.Suspended);
      await registry.connect(registrar).rebindWalletCompromised(AMINA, unbound[0].address, STOLEN_PHONE);
      await expectBeneficiary(registry, AMINA, {
        wallet: unbound[0].address,
        status: BeneficiaryStatus.Suspended,
        householdRef: HOUSEHOLD_A,
      });
    });

    it("reverts with BeneficiaryUnknown when the ref is not registered", async function () {
      const { registry, registrar, unbound } = await loadFixture(registryFixture);
      const unknown = ref("beneficiary", "unknown");
      await expect(
        registry.connect(registrar).rebindWalletCompromised(unknown, unbound[0].address, STOLEN_PHONE),
      )
        .to.be.revertedWithCustomError(registry, "BeneficiaryUnknown")
        .withArgs(unknown);
      expect(await registry.householdOf(unbound[0].address)).to.equal(ethers.ZeroHash);
    });

    it("reverts with BeneficiaryStatusInvalid when the beneficiary is deceased", async function () {
      const { registry, registrar, amina, unbound } = await loadFixture(registryFixture);
      await registry.connect(registrar).setStatus(AMINA, BeneficiaryStatus.Deceased);
      await expect(
        registry.connect(registrar).rebindWalletCompromised(AMINA, unbound[0].address, STOLEN_PHONE),
      )
        .to.be.revertedWithCustomError(registry, "BeneficiaryStatusInvalid")
        .withArgs(AMINA, BeneficiaryStatus.Deceased);
      expect((await registry.beneficiary(AMINA)).wallet).to.equal(amina.address);
    });

    it("reverts with RegistrationInvalid when the new wallet is zero", async function () {
      const { registry, registrar, amina } = await loadFixture(registryFixture);
      await expect(
        registry.connect(registrar).rebindWalletCompromised(AMINA, ethers.ZeroAddress, STOLEN_PHONE),
      )
        .to.be.revertedWithCustomError(registry, "RegistrationInvalid")
        .withArgs(AMINA);
      expect(await registry.householdOf(amina.address)).to.equal(HOUSEHOLD_A);
    });

    it("reverts with WalletAlreadyBound when the new wallet belongs to another beneficiary", async function () {
      const { registry, registrar, amina, chadia } = await loadFixture(registryFixture);
      await expect(registry.connect(registrar).rebindWalletCompromised(AMINA, chadia.address, STOLEN_PHONE))
        .to.be.revertedWithCustomError(registry, "WalletAlreadyBound")
        .withArgs(chadia.address);
      expect((await registry.beneficiary(AMINA)).wallet).to.equal(amina.address);
    });
  });

  describe("voidPreviousWalletReceipts", function () {
    it("stops the previous wallet's grace and emits PreviousWalletVoided", async function () {
      const { registry, registrar, amina, unbound } = await loadFixture(registryFixture);
      await registry.connect(registrar).rebindWallet(AMINA, unbound[0].address, LOST_PHONE);
      await expect(registry.connect(registrar).voidPreviousWalletReceipts(AMINA, STOLEN_PHONE))
        .to.emit(registry, "PreviousWalletVoided")
        .withArgs(AMINA, amina.address, STOLEN_PHONE);
      expect(await registry.previousWalletGrace(AMINA)).to.deep.equal([ethers.ZeroAddress, 0n]);
      await expectBeneficiary(registry, AMINA, {
        wallet: unbound[0].address,
        status: BeneficiaryStatus.Active,
        householdRef: HOUSEHOLD_A,
      });
    });

    it("voids a previous wallet whose grace has already passed", async function () {
      const { registry, registrar, amina, unbound } = await loadFixture(registryFixture);
      await registry.connect(registrar).rebindWallet(AMINA, unbound[0].address, LOST_PHONE);
      await time.increase(GRACE + 1n);
      await expect(registry.connect(registrar).voidPreviousWalletReceipts(AMINA, STOLEN_PHONE))
        .to.emit(registry, "PreviousWalletVoided")
        .withArgs(AMINA, amina.address, STOLEN_PHONE);
    });

    it("reverts with PreviousWalletNone for a beneficiary never rebound", async function () {
      const { registry, registrar } = await loadFixture(registryFixture);
      await expect(registry.connect(registrar).voidPreviousWalletReceipts(AMINA, STOLEN_PHONE))
        .to.be.revertedWithCustomError(registry, "PreviousWalletNone")
        .withArgs(AMINA);
    });

    it("reverts with PreviousWalletNone after a rebind reported as compromised", async function () {
      const { registry, registrar, unbound } = await loadFixture(registryFixture);
      await registry.connect(registrar).rebindWalletCompromised(AMINA, unbound[0].address, STOLEN_PHONE);
      await expect(registry.connect(registrar).voidPreviousWalletReceipts(AMINA, STOLEN_PHONE))
        .to.be.revertedWithCustomError(registry, "PreviousWalletNone")
        .withArgs(AMINA);
    });

    it("reverts with PreviousWalletNone when the previous wallet was voided already", async function () {
      const { registry, registrar, unbound } = await loadFixture(registryFixture);
      await registry.connect(registrar).rebindWallet(AMINA, unbound[0].address, LOST_PHONE);
      await registry.connect(registrar).voidPreviousWalletReceipts(AMINA, STOLEN_PHONE);
      await expect(registry.connect(registrar).voidPreviousWalletReceipts(AMINA, STOLEN_PHONE))
        .to.be.revertedWithCustomError(registry, "PreviousWalletNone")
        .withArgs(AMINA);
    });
  });

  describe("setStatus", function () {
    for (const [from, to] of [
      [BeneficiaryStatus.Active, BeneficiaryStatus.Suspended],
      [BeneficiaryStatus.Suspended, BeneficiaryStatus.Active],
      [BeneficiaryStatus.Active, BeneficiaryStatus.Deceased],
      [BeneficiaryStatus.Suspended, BeneficiaryStatus.Deceased],
    ] as const) {
      it(`changes status ${from} to ${to}, keeping wallet and tag, and emits BeneficiaryStatusChanged`, async function () {
        const { registry, registrar, amina } = await loadFixture(registryFixture);
        if (from !== BeneficiaryStatus.Active) await registry.connect(registrar).setStatus(AMINA, from);
        await expect(registry.connect(registrar).setStatus(AMINA, to))
          .to.emit(registry, "BeneficiaryStatusChanged")
          .withArgs(AMINA, from, to);
        await expectBeneficiary(registry, AMINA, {
          wallet: amina.address,
          status: to,
          householdRef: HOUSEHOLD_A,
        });
      });
    }

    for (const target of [
      BeneficiaryStatus.Active,
      BeneficiaryStatus.Suspended,
      BeneficiaryStatus.Deceased,
    ]) {
      it(`reverts with BeneficiaryStatusInvalid when a deceased beneficiary is set to status ${target}`, async function () {
        const { registry, registrar, amina } = await loadFixture(registryFixture);
        await registry.connect(registrar).setStatus(AMINA, BeneficiaryStatus.Deceased);
        await expect(registry.connect(registrar).setStatus(AMINA, target))
          .to.be.revertedWithCustomError(registry, "BeneficiaryStatusInvalid")
          .withArgs(AMINA, target);
        await expectBeneficiary(registry, AMINA, {
          wallet: amina.address,
          status: BeneficiaryStatus.Deceased,
          householdRef: HOUSEHOLD_A,
        });
      });
    }

    it("reverts with BeneficiaryStatusInvalid when the status does not change", async function () {
      const { registry, registrar } = await loadFixture(registryFixture);
      await expect(registry.connect(registrar).setStatus(AMINA, BeneficiaryStatus.Active))
        .to.be.revertedWithCustomError(registry, "BeneficiaryStatusInvalid")
        .withArgs(AMINA, BeneficiaryStatus.Active);
      await registry.connect(registrar).setStatus(AMINA, BeneficiaryStatus.Suspended);
      await expect(registry.connect(registrar).setStatus(AMINA, BeneficiaryStatus.Suspended))
        .to.be.revertedWithCustomError(registry, "BeneficiaryStatusInvalid")
        .withArgs(AMINA, BeneficiaryStatus.Suspended);
    });

    it("reverts with BeneficiaryStatusInvalid when the new status is None", async function () {
      const { registry, registrar } = await loadFixture(registryFixture);
      await expect(registry.connect(registrar).setStatus(AMINA, BeneficiaryStatus.None))
        .to.be.revertedWithCustomError(registry, "BeneficiaryStatusInvalid")
        .withArgs(AMINA, BeneficiaryStatus.None);
      expect((await registry.beneficiary(AMINA)).status).to.equal(BeneficiaryStatus.Active);
    });

    it("reverts with BeneficiaryUnknown when the ref is not registered", async function () {
      const { registry, registrar } = await loadFixture(registryFixture);
      const unknown = ref("beneficiary", "unknown");
      await expect(registry.connect(registrar).setStatus(unknown, BeneficiaryStatus.Suspended))
        .to.be.revertedWithCustomError(registry, "BeneficiaryUnknown")
        .withArgs(unknown);
    });

    it("reverts without a reason when the status is outside the enum", async function () {
      const { registry, registrar } = await loadFixture(registryFixture);
      await expect(registry.connect(registrar).setStatus(AMINA, 4)).to.be.revertedWithoutReason();
      expect((await registry.beneficiary(AMINA)).status).to.equal(BeneficiaryStatus.Active);
    });
  });

  describe("views", function () {
    it("returns zeros for an unknown beneficiary and an unbound wallet", async function () {
      const { registry, unbound } = await loadFixture(registryFixture);
      await expectBeneficiary(registry, ref("beneficiary", "unknown"), {
        wallet: ethers.ZeroAddress,
        status: BeneficiaryStatus.None,
        householdRef: null,
      });
      expect(await registry.householdOf(unbound[0].address)).to.equal(ethers.ZeroHash);
      expect(await registry.householdOf(ethers.ZeroAddress)).to.equal(ethers.ZeroHash);
    });

    it("computes householdTag as the low 88 bits of keccak256(abi.encode(householdRef))", async function () {
      const { registry } = await loadFixture(registryFixture);
      for (const householdRef of [
        HOUSEHOLD_A,
        HOUSEHOLD_B,
        ethers.ZeroHash,
        ethers.toBeHex(ethers.MaxUint256, 32),
        ref("household", 12345),
      ]) {
        expect(await registry.householdTag(householdRef), householdRef).to.equal(expectedTag(householdRef));
      }
    });

    it("returns the wallet from activeWalletIn for an active beneficiary of that household", async function () {
      const { registry, amina, chadia } = await loadFixture(registryFixture);
      expect(await registry.activeWalletIn(AMINA, HOUSEHOLD_A)).to.equal(amina.address);
      expect(await registry.activeWalletIn(CHADIA, HOUSEHOLD_B)).to.equal(chadia.address);
    });

    it("answers activeHouseholdsIn pair by pair with the household's account, zero for a wrong household, a suspended member or an unknown ref", async function () {
      const { registry, registrar } = await loadFixture(registryFixture);
      await registry.connect(registrar).setStatus(BASSAM, BeneficiaryStatus.Suspended);
      const accountOf = (householdRef: string) =>
        ethers.getAddress(ethers.dataSlice(ethers.keccak256(householdRef), 12));
      expect(
        await registry.activeHouseholdsIn(
          [AMINA, BASSAM, CHADIA, CHADIA, ref("beneficiary", "nobody")],
          [HOUSEHOLD_A, HOUSEHOLD_A, HOUSEHOLD_B, HOUSEHOLD_A, HOUSEHOLD_A],
        ),
      ).to.deep.equal([
        accountOf(HOUSEHOLD_A),
        ethers.ZeroAddress,
        accountOf(HOUSEHOLD_B),
        ethers.ZeroAddress,
        ethers.ZeroAddress,
      ]);
      // The household tag is the account's low 88 bits: one hash gives both.
      expect(await registry.householdTag(HOUSEHOLD_A)).to.equal(
        BigInt(accountOf(HOUSEHOLD_A)) & ((1n << 88n) - 1n),
      );
      expect(await registry.householdAccount(HOUSEHOLD_A)).to.equal(accountOf(HOUSEHOLD_A));
    });

    it("reverts activeHouseholdsIn with RegistrationBatchSize when the arrays differ in length", async function () {
      const { registry } = await loadFixture(registryFixture);
      await expect(registry.activeHouseholdsIn([AMINA, BASSAM], [HOUSEHOLD_A]))
        .to.be.revertedWithCustomError(registry, "RegistrationBatchSize")
        .withArgs(1, 2);
    });

    it("returns zero from activeWalletIn for the wrong household", async function () {
      const { registry } = await loadFixture(registryFixture);
      expect(await registry.activeWalletIn(AMINA, HOUSEHOLD_B)).to.equal(ethers.ZeroAddress);
      expect(await registry.activeWalletIn(CHADIA, HOUSEHOLD_A)).to.equal(ethers.ZeroAddress);
      expect(await registry.activeWalletIn(AMINA, ethers.ZeroHash)).to.equal(ethers.ZeroAddress);
    });

    it("returns zero from activeWalletIn for an unknown beneficiary", async function () {
      const { registry } = await loadFixture(registryFixture);
      expect(await registry.activeWalletIn(ref("beneficiary", "unknown"), HOUSEHOLD_A)).to.equal(
        ethers.ZeroAddress,
      );
      expect(await registry.activeWalletIn(ethers.ZeroHash, ethers.ZeroHash)).to.equal(ethers.ZeroAddress);
    });

    it("returns zero from activeWalletIn while the beneficiary is suspended, and the wallet again once reinstated", async function () {
      const { registry, registrar, amina } = await loadFixture(registryFixture);
      await registry.connect(registrar).setStatus(AMINA, BeneficiaryStatus.Suspended);
      expect(await registry.activeWalletIn(AMINA, HOUSEHOLD_A)).to.equal(ethers.ZeroAddress);
      await registry.connect(registrar).setStatus(AMINA, BeneficiaryStatus.Active);
      expect(await registry.activeWalletIn(AMINA, HOUSEHOLD_A)).to.equal(amina.address);
    });

    it("returns zero from activeWalletIn for a deceased beneficiary", async function () {
      const { registry, registrar } = await loadFixture(registryFixture);
      await registry.connect(registrar).setStatus(AMINA, BeneficiaryStatus.Deceased);
      expect(await registry.activeWalletIn(AMINA, HOUSEHOLD_A)).to.equal(ethers.ZeroAddress);
    });

    it("keeps a suspended or deceased beneficiary's wallet bound in householdOf", async function () {
      // Documents current behaviour: status lives in the ref record only; householdOf ignores it.
      const { registry, registrar, amina, bassam } = await loadFixture(registryFixture);
      await registry.connect(registrar).setStatus(AMINA, BeneficiaryStatus.Suspended);
      await registry.connect(registrar).setStatus(BASSAM, BeneficiaryStatus.Deceased);
      expect(await registry.householdOf(amina.address)).to.equal(HOUSEHOLD_A);
      expect(await registry.householdOf(bassam.address)).to.equal(HOUSEHOLD_A);
    });
  });

  describe("access control", function () {
    async function matrix() {
      const system = await loadFixture(registryFixture);
      return { system, actors: system, contract: system.registry };
    }
    const refusedCaller = (caller: HardhatEthersSigner) => [caller.address];

    shouldRefuseRoles(
      "registerBatch",
      NOT_REGISTRAR,
      async () => {
        const { system, actors, contract } = await matrix();
        return {
          actors,
          contract,
          call: (as) => system.registry.connect(as).registerBatch(freshRegistrations(1)),
        };
      },
      "RegistrarUnauthorized",
      refusedCaller,
    );

    shouldRefuseRoles(
      "rebindWallet",
      NOT_REGISTRAR,
      async () => {
        const { system, actors, contract } = await matrix();
        return {
          actors,
          contract,
          call: (as) => system.registry.connect(as).rebindWallet(AMINA, walletAddress(0), LOST_PHONE),
        };
      },
      "RegistrarUnauthorized",
      refusedCaller,
    );

    shouldRefuseRoles(
      "setStatus",
      NOT_REGISTRAR,
      async () => {
        const { system, actors, contract } = await matrix();
        return {
          actors,
          contract,
          call: (as) => system.registry.connect(as).setStatus(AMINA, BeneficiaryStatus.Suspended),
        };
      },
      "RegistrarUnauthorized",
      refusedCaller,
    );

    shouldRefuseRoles(
      "rebindWalletCompromised",
      NOT_REGISTRAR,
      async () => {
        const { system, actors, contract } = await matrix();
        return {
          actors,
          contract,
          call: (as) =>
            system.registry.connect(as).rebindWalletCompromised(AMINA, walletAddress(0), STOLEN_PHONE),
        };
      },
      "RegistrarUnauthorized",
      refusedCaller,
    );

    shouldRefuseRoles(
      "voidPreviousWalletReceipts",
      NOT_REGISTRAR,
      async () => {
        const { system, actors, contract } = await matrix();
        await system.registry.connect(system.registrar).rebindWallet(AMINA, walletAddress(0), LOST_PHONE);
        return {
          actors,
          contract,
          call: (as) => system.registry.connect(as).voidPreviousWalletReceipts(AMINA, STOLEN_PHONE),
        };
      },
      "RegistrarUnauthorized",
      refusedCaller,
    );

    /** Every registrar action, each of which must be refused to a registrar without an active licence. */
    async function expectRegistrarRefused(
      system: Awaited<ReturnType<typeof registryFixture>>,
    ): Promise<void> {
      const { registry, registrar } = system;
      await expect(registry.connect(registrar).registerBatch(freshRegistrations(1)))
        .to.be.revertedWithCustomError(registry, "RegistrarUnauthorized")
        .withArgs(registrar.address);
      await expect(registry.connect(registrar).rebindWallet(AMINA, walletAddress(0), LOST_PHONE))
        .to.be.revertedWithCustomError(registry, "RegistrarUnauthorized")
        .withArgs(registrar.address);
      await expect(registry.connect(registrar).setStatus(AMINA, BeneficiaryStatus.Suspended))
        .to.be.revertedWithCustomError(registry, "RegistrarUnauthorized")
        .withArgs(registrar.address);
      await expect(registry.connect(registrar).rebindWalletCompromised(AMINA, walletAddress(0), STOLEN_PHONE))
        .to.be.revertedWithCustomError(registry, "RegistrarUnauthorized")
        .withArgs(registrar.address);
      await expect(registry.connect(registrar).voidPreviousWalletReceipts(AMINA, STOLEN_PHONE))
        .to.be.revertedWithCustomError(registry, "RegistrarUnauthorized")
        .withArgs(registrar.address);
      await expectBeneficiary(registry, AMINA, {
        wallet: system.amina.address,
        status: BeneficiaryStatus.Active,
        householdRef: HOUSEHOLD_A,
      });
    }

    it("reverts with RegistrarUnauthorized when the registrar's licence is suspended", async function () {
      const system = await loadFixture(registryFixture);
      await system.licences
        .connect(system.regulator)
        .suspendLicence(system.registrar.address, LicenceKind.Registrar, ethers.encodeBytes32String("audit"));
      await expectRegistrarRefused(system);
    });

    it("reverts with RegistrarUnauthorized when the registrar's licence has expired", async function () {
      const system = await loadFixture(registryFixture);
      const { validUntil } = await system.licences.licenceOf(system.registrar.address, LicenceKind.Registrar);
      await time.increaseTo(validUntil + 1n);
      await expectRegistrarRefused(system);
    });

    it("reverts with RegistrarUnauthorized when the registrar's licence is revoked", async function () {
      const system = await loadFixture(registryFixture);
      await system.licences
        .connect(system.regulator)
        .revokeLicence(system.registrar.address, LicenceKind.Registrar, ethers.encodeBytes32String("fraud"));
      await expectRegistrarRefused(system);
    });

    it("reverts with RegistrarUnauthorized when the registrar's licence has not started yet", async function () {
      const system = await loadFixture(registryFixture);
      const { licences, regulator, stranger: newRegistrar, registry } = system;
      const now = await time.latest();
      await licences
        .connect(regulator)
        .grantLicence(newRegistrar.address, LicenceKind.Registrar, 1, 1, now + DAY, now + 2 * DAY, "bafy");
      await expect(registry.connect(newRegistrar).setStatus(AMINA, BeneficiaryStatus.Suspended))
        .to.be.revertedWithCustomError(registry, "RegistrarUnauthorized")
        .withArgs(newRegistrar.address);
      await time.increaseTo(now + DAY);
      await expect(registry.connect(newRegistrar).setStatus(AMINA, BeneficiaryStatus.Suspended))
        .to.emit(registry, "BeneficiaryStatusChanged")
        .withArgs(AMINA, BeneficiaryStatus.Active, BeneficiaryStatus.Suspended);
    });

    it("accepts the registrar again once a suspended licence is reinstated", async function () {
      const system = await loadFixture(registryFixture);
      const { licences, regulator, registrar, registry } = system;
      await licences
        .connect(regulator)
        .suspendLicence(registrar.address, LicenceKind.Registrar, ethers.ZeroHash);
      await licences.connect(regulator).reinstateLicence(registrar.address, LicenceKind.Registrar);
      await expect(registry.connect(registrar).setStatus(AMINA, BeneficiaryStatus.Suspended))
        .to.emit(registry, "BeneficiaryStatusChanged")
        .withArgs(AMINA, BeneficiaryStatus.Active, BeneficiaryStatus.Suspended);
    });
  });
});
