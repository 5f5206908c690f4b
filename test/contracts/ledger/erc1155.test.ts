import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import {
  createProgramme,
  issueTo,
  ledgerWorld,
  programmeParams,
  receiptFor,
  redeemSigned,
} from "../helpers/ledger";
import { PERIOD, UNIT } from "../helpers/system";

describe("AidLedger: the ERC-1155 face of entitlements", function () {
  async function fixture() {
    const world = await ledgerWorld();
    const { ledger, token, charity2, donor2, households, programmeId, charity } = world;
    const [h1, h2] = households;
    await issueTo(ledger, charity, programmeId, [h1, h2], 100n * UNIT);
    // A second id, group-less, run by another charity with another metadata CID.
    const secondId = await createProgramme(
      ledger,
      charity2,
      await programmeParams(token, { metadataCid: "bafy-second-programme" }),
    );
    await ledger.connect(donor2).give(secondId, 100n * UNIT, ethers.ZeroHash, ethers.ZeroAddress, 0);
    await issueTo(ledger, charity2, secondId, [h1], 70n * UNIT);
    return { ...world, secondId };
  }

  describe("supportsInterface", function () {
    for (const [name, id] of [
      ["IERC1155", "0xd9b67a26"],
      ["IERC1155MetadataURI", "0x0e89341c"],
      ["IERC165", "0x01ffc9a7"],
    ] as const) {
      it(`reports ${name} (${id})`, async function () {
        const { ledger } = await loadFixture(fixture);
        expect(await ledger.supportsInterface(id)).to.equal(true);
      });
    }

    for (const [name, id] of [
      ["the invalid id 0xffffffff", "0xffffffff"],
      ["IERC20", "0x36372b07"],
      ["IERC1155Receiver", "0x4e2312e0"],
      ["zero", "0x00000000"],
    ] as const) {
      it(`does not report ${name}`, async function () {
        const { ledger } = await loadFixture(fixture);
        expect(await ledger.supportsInterface(id)).to.equal(false);
      });
    }
  });

  describe("uri", function () {
    it("points each id at its programme's metadata on IPFS", async function () {
      const { ledger, programmeId, secondId } = await loadFixture(fixture);
      expect(await ledger.uri(programmeId)).to.equal("ipfs://bafy-programme");
      expect(await ledger.uri(secondId)).to.equal("ipfs://bafy-second-programme");
    });

    it("reverts with ProgrammeUnknown for an id without a programme", async function () {
      const { ledger } = await loadFixture(fixture);
      await expect(ledger.uri(0)).to.be.revertedWithCustomError(ledger, "ProgrammeUnknown").withArgs(0);
    });
  });

  describe("transfers and approvals", function () {
    it("reverts safeTransferFrom with EntitlementNotTransferable, even from the holder", async function () {
      const { ledger, programmeId, households } = await loadFixture(fixture);
      const [h1, h2] = households;
      const holder = h1.members[0].wallet;
      await expect(
        ledger
          .connect(holder)
          .safeTransferFrom(holder.address, h2.members[0].wallet.address, programmeId, 10n * UNIT, "0x"),
      ).to.be.revertedWithCustomError(ledger, "EntitlementNotTransferable");
      expect(await ledger.balanceOf(holder.address, programmeId)).to.equal(100n * UNIT);
    });

    it("reverts safeBatchTransferFrom with EntitlementNotTransferable", async function () {
      const { ledger, programmeId, secondId, households } = await loadFixture(fixture);
      const [h1] = households;
      const holder = h1.members[0].wallet;
      await expect(
        ledger
          .connect(holder)
          .safeBatchTransferFrom(
            holder.address,
            h1.members[1].wallet.address,
            [programmeId, secondId],
            [1n, 1n],
            "0x",
          ),
      ).to.be.revertedWithCustomError(ledger, "EntitlementNotTransferable");
    });

    it("reverts setApprovalForAll with EntitlementNotTransferable and reports no operator as approved", async function () {
      const { ledger, vendor, households } = await loadFixture(fixture);
      const holder = households[0].members[0].wallet;
      await expect(
        ledger.connect(holder).setApprovalForAll(vendor.address, true),
      ).to.be.revertedWithCustomError(ledger, "EntitlementNotTransferable");
      await expect(
        ledger.connect(holder).setApprovalForAll(vendor.address, false),
      ).to.be.revertedWithCustomError(ledger, "EntitlementNotTransferable");
      expect(await ledger.isApprovedForAll(holder.address, vendor.address)).to.equal(false);
    });
  });

  describe("balances", function () {
    it("answers balanceOfBatch pairwise across wallets and ids", async function () {
      const { ledger, programmeId, secondId, households, stranger } = await loadFixture(fixture);
      const [h1, h2, h3] = households;
      const accounts = [
        h1.members[0].wallet.address,
        h1.members[1].wallet.address,
        h2.members[0].wallet.address,
        h3.members[0].wallet.address,
        stranger.address,
        h1.members[1].wallet.address,
        h2.members[0].wallet.address,
      ];
      const ids = [programmeId, programmeId, programmeId, programmeId, programmeId, secondId, secondId];
      expect(await ledger.balanceOfBatch(accounts, ids)).to.deep.equal([
        100n * UNIT,
        100n * UNIT,
        100n * UNIT,
        0n,
        0n,
        70n * UNIT,
        0n,
      ]);
      expect(await ledger.balanceOfBatch([], [])).to.deep.equal([]);
    });

    it("reverts balanceOfBatch with IssuanceBatchInvalid when the arrays differ in length", async function () {
      const { ledger, programmeId, households } = await loadFixture(fixture);
      const wallet = households[0].members[0].wallet.address;
      await expect(ledger.balanceOfBatch([wallet, wallet], [programmeId]))
        .to.be.revertedWithCustomError(ledger, "IssuanceBatchInvalid")
        .withArgs(2, 1);
    });

    it("reads zero for an unknown id, an unbound wallet and the zero address", async function () {
      const { ledger, programmeId, stranger, households } = await loadFixture(fixture);
      expect(await ledger.balanceOf(households[0].members[0].wallet.address, 99)).to.equal(0);
      expect(await ledger.balanceOf(stranger.address, programmeId)).to.equal(0);
      expect(await ledger.balanceOf(ethers.ZeroAddress, programmeId)).to.equal(0);
    });

    it("reads zero before the programme starts, even for a registered household's wallet", async function () {
      const { ledger, token, charity, households } = await loadFixture(fixture);
      const startsAt = (await time.latest()) + PERIOD;
      const laterId = await createProgramme(
        ledger,
        charity,
        await programmeParams(token, { startsAt, endsAt: startsAt + 2 * PERIOD }),
      );
      const wallet = households[0].members[0].wallet.address;
      expect(await ledger.balanceOf(wallet, laterId)).to.equal(0);
      await expect(issueTo(ledger, charity, laterId, [households[0]], UNIT))
        .to.be.revertedWithCustomError(ledger, "ProgrammeNotStarted")
        .withArgs(laterId, startsAt);
    });

    it("reads zero from the programme's planned end, within the same period", async function () {
      const { ledger, token, charity, donor, households } = await loadFixture(fixture);
      const now = await time.latest();
      const endsAt = now + PERIOD / 2; // the fixture starts at a period's first second
      const id = await createProgramme(
        ledger,
        charity,
        await programmeParams(token, { startsAt: now, endsAt }),
      );
      await ledger.connect(donor).give(id, 10n * UNIT, ethers.ZeroHash, ethers.ZeroAddress, 0);
      await issueTo(ledger, charity, id, households.slice(0, 1), 10n * UNIT);
      const wallet = households[0].members[0].wallet.address;
      await time.increaseTo(endsAt - 1);
      expect(await ledger.balanceOf(wallet, id)).to.equal(10n * UNIT);
      await time.increaseTo(endsAt);
      expect(await ledger.balanceOf(wallet, id)).to.equal(0);
    });

    it("reads zero for a closed programme within the same period", async function () {
      const { ledger, charity, programmeId, households } = await loadFixture(fixture);
      const wallet = households[0].members[0].wallet.address;
      await ledger.connect(charity).closeProgramme(programmeId);
      expect(await ledger.balanceOf(wallet, programmeId)).to.equal(0);
    });

    it("moves the balance view to the new wallet when a lost wallet is rebound", async function () {
      const { ledger, registry, registrar, programmeId, households, spareWallets } =
        await loadFixture(fixture);
      const member = households[0].members[0];
      const [newWallet] = spareWallets;
      await registry
        .connect(registrar)
        .rebindWallet(member.beneficiaryRef, newWallet.address, ethers.id("lost"));
      expect(await ledger.balanceOf(member.wallet.address, programmeId)).to.equal(0);
      expect(await ledger.balanceOf(newWallet.address, programmeId)).to.equal(100n * UNIT);
    });
  });

  describe("TransferSingle", function () {
    it("nets mints and burns per household to the balance every member's wallet shows", async function () {
      const { ledger, vendor, programmeId, households } = await loadFixture(fixture);
      const [h1] = households;
      for (const [member, amount] of [
        [h1.members[0], 30n * UNIT],
        [h1.members[1], 20n * UNIT],
      ] as const) {
        await redeemSigned(
          ledger,
          vendor,
          member.wallet,
          await receiptFor(ledger, programmeId, h1.householdRef, member, vendor, amount),
        );
      }
      const events = await ledger.queryFilter(ledger.filters.TransferSingle(), 0);
      const memberWallets = new Set(h1.members.map((m) => m.wallet.address));
      let net = 0n;
      for (const event of events) {
        const { from, to, id, value } = event.args;
        if (id !== programmeId) continue;
        if (from === ethers.ZeroAddress && memberWallets.has(to)) net += value;
        if (to === ethers.ZeroAddress && memberWallets.has(from)) net -= value;
      }
      expect(net).to.equal(50n * UNIT);
      for (const member of h1.members) {
        expect(await ledger.balanceOf(member.wallet.address, programmeId)).to.equal(net);
      }
    });
  });
});
