import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import { TimeBank__factory } from "../../../typechain-types";
import { LIMIT, memberRef, serviceFor, signConfirmation, timeBankFixture } from "./fixture";

/** secp256k1's group order: `s` and `n - s` both verify, so only the low one is accepted. */
const SECP256K1_N = BigInt("0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364141");

async function signed() {
  const fixture = await loadFixture(timeBankFixture);
  const [giver, recipient] = fixture.members;
  const service = await serviceFor(fixture.timeBank, recipient, 30);
  const signature = await signConfirmation(fixture.timeBank, recipient, giver.address, service);
  return { ...fixture, giver, recipient, service, signature };
}

describe("TimeBank confirmation signatures (EIP-712)", function () {
  it("refuses the same confirmation twice: its nonce is used", async function () {
    const { timeBank, giver, service, signature } = await signed();
    await timeBank.connect(giver).recordService(service, signature);
    await expect(timeBank.connect(giver).recordService(service, signature))
      .to.be.revertedWithCustomError(timeBank, "ConfirmationNonceInvalid")
      .withArgs(1, 0);
  });

  it("refuses a nonce ahead of the recipient's", async function () {
    const { timeBank, giver, recipient } = await signed();
    const ahead = await serviceFor(timeBank, recipient, 30, { nonce: 5 });
    const signature = await signConfirmation(timeBank, recipient, giver.address, ahead);
    await expect(timeBank.connect(giver).recordService(ahead, signature))
      .to.be.revertedWithCustomError(timeBank, "ConfirmationNonceInvalid")
      .withArgs(0, 5);
  });

  it("refuses a confirmation signed for another time bank contract", async function () {
    const { timeBank, licences, coordinator, giver, recipient, service, deployer } = await signed();
    const other = await new TimeBank__factory(deployer).deploy(await licences.getAddress());
    for (const [i, member] of [giver, recipient].entries()) {
      await other.connect(coordinator).admitMember(memberRef(i), member.address, LIMIT);
    }
    const forOther = await signConfirmation(timeBank, recipient, giver.address, service, {
      verifyingContract: await other.getAddress(),
    });
    await expect(timeBank.connect(giver).recordService(service, forOther)).to.be.revertedWithCustomError(
      timeBank,
      "ConfirmationSignatureInvalid",
    );
    await expect(other.connect(giver).recordService(service, forOther)).to.emit(other, "ServiceConfirmed");
  });

  it("refuses a confirmation signed for another chain", async function () {
    const { timeBank, giver, recipient, service } = await signed();
    const otherChain = await signConfirmation(timeBank, recipient, giver.address, service, { chainId: 1 });
    await expect(timeBank.connect(giver).recordService(service, otherChain)).to.be.revertedWithCustomError(
      timeBank,
      "ConfirmationSignatureInvalid",
    );
  });

  it("refuses an expired confirmation and accepts it up to its deadline's second", async function () {
    const { timeBank, giver, service, signature } = await signed();
    await time.setNextBlockTimestamp(BigInt(service.deadline) + 1n);
    await expect(timeBank.connect(giver).recordService(service, signature))
      .to.be.revertedWithCustomError(timeBank, "ConfirmationExpired")
      .withArgs(service.deadline);
    const fresh = await signed();
    await time.setNextBlockTimestamp(BigInt(fresh.service.deadline));
    await expect(fresh.timeBank.connect(fresh.giver).recordService(fresh.service, fresh.signature)).to.emit(
      fresh.timeBank,
      "ServiceConfirmed",
    );
  });

  it("refuses the malleable twin (high s) of a valid signature", async function () {
    const { timeBank, giver, service, signature } = await signed();
    const { r, s, v } = ethers.Signature.from(signature);
    const highS = ethers.toBeHex(SECP256K1_N - BigInt(s), 32);
    const twin = ethers.concat([r, highS, ethers.toBeHex(v === 27 ? 28 : 27, 1)]);
    await expect(timeBank.connect(giver).recordService(service, twin))
      .to.be.revertedWithCustomError(timeBank, "ConfirmationSignatureInvalid")
      .withArgs(ethers.ZeroAddress);
    await expect(timeBank.connect(giver).recordService(service, signature)).to.emit(
      timeBank,
      "ServiceConfirmed",
    );
  });

  it("refuses a signature by anyone but the recipient: the giver, another member, a coordinator", async function () {
    const { timeBank, coordinator, members, giver, service } = await signed();
    for (const signer of [giver, members[2], coordinator]) {
      const forged = await signConfirmation(timeBank, signer, giver.address, service);
      await expect(timeBank.connect(giver).recordService(service, forged))
        .to.be.revertedWithCustomError(timeBank, "ConfirmationSignatureInvalid")
        .withArgs(signer.address);
    }
  });

  it("refuses a confirmation submitted by a giver it does not name: no one confirms another's service", async function () {
    const { timeBank, members, service, signature } = await signed();
    await expect(
      timeBank.connect(members[2]).recordService(service, signature),
    ).to.be.revertedWithCustomError(timeBank, "ConfirmationSignatureInvalid");
  });

  it("refuses a confirmation whose service was altered after signing", async function () {
    const { timeBank, giver, service, signature } = await signed();
    for (const altered of [
      { ...service, duration: 300 },
      { ...service, category: 9 },
      { ...service, evidenceHash: ethers.id("other") },
      { ...service, deadline: BigInt(service.deadline) + 1n },
    ]) {
      await expect(timeBank.connect(giver).recordService(altered, signature)).to.be.revertedWithCustomError(
        timeBank,
        "ConfirmationSignatureInvalid",
      );
    }
  });

  it("refuses a malformed signature", async function () {
    const { timeBank, giver, service, signature } = await signed();
    await expect(timeBank.connect(giver).recordService(service, ethers.dataSlice(signature, 0, 64)))
      .to.be.revertedWithCustomError(timeBank, "ConfirmationSignatureInvalid")
      .withArgs(ethers.ZeroAddress);
  });
});
