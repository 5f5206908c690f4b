import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import { passDisputeWindows, programmeParams } from "../../contracts/helpers/ledger";
import { deployedSystem, UNIT } from "../../contracts/helpers/system";
import {
  createCustodialWallets,
  CustodialSigner,
  DELIVERY_RECEIPT_TYPES,
  rebindWallet,
  setPin,
  type DeliveryReceipt,
} from "../../../src/wallets";
import { openWalletsFixture, TestClock, testRef, type WalletsFixture } from "./helpers/walletsFixture";

const GOLNAR = testRef("golnar");
const HOUSEHOLD = testRef("golnar-household");
const PIN = "4096";

/**
 * The wallets room against the real contracts on Hardhat's in-process chain: a custodial signature
 * redeems a delivery at the AidLedger, and the rebind call data is accepted by the BeneficiaryRegistry.
 */
describe("wallets: custodial wallets on chain", () => {
  let fx: WalletsFixture;
  afterEach(() => fx?.cleanup());

  /** One food programme with Golnar's household entitled to 100 units, her wallet not yet registered. */
  async function programmeWithEntitlement() {
    const system = await deployedSystem();
    const { ledger, charity, donor, token, vendor } = system;
    await ledger
      .connect(charity)
      .createProgramme(await programmeParams(token, { vendors: [vendor.address] }));
    const programmeId = await ledger.programmeCount();
    await ledger.connect(donor).give(programmeId, 1000n * UNIT, ethers.ZeroHash, ethers.ZeroAddress, 0);
    return { ...system, programmeId };
  }

  async function setUp() {
    const world = await loadFixture(programmeWithEntitlement);
    fx = openWalletsFixture({ clock: new TestClock((await time.latest()) * 1000) });
    const { address } = (await createCustodialWallets(fx.ctx, { beneficiaryRefs: [GOLNAR] }))[0]!;
    await setPin(fx.ctx, { beneficiaryRef: GOLNAR, pin: PIN });
    await world.registry
      .connect(world.registrar)
      .registerBatch([{ beneficiaryRef: GOLNAR, householdRef: HOUSEHOLD, wallet: address }]);
    await world.ledger
      .connect(world.charity)
      .issueBatch(world.programmeId, [GOLNAR], [HOUSEHOLD], 100n * UNIT);
    const ledgerAddress = await world.ledger.getAddress();
    const chainId = (await ethers.provider.getNetwork()).chainId;
    const signer = new CustodialSigner(fx.ctx, {
      caps: { maxSignaturesPerDay: 5, maxAmountPerDay: 100n * UNIT },
      ledger: { chainId, verifyingContract: ledgerAddress },
    });
    const domain = { name: "SinTech AidLedger", version: "1", chainId, verifyingContract: ledgerAddress };
    // Each receipt carries the household's current nonce, as a vendor's terminal reads it before signing.
    const receipt = async (amount: bigint): Promise<DeliveryReceipt> => ({
      programmeId: world.programmeId,
      beneficiaryRef: GOLNAR,
      householdRef: HOUSEHOLD,
      vendor: world.vendor.address.toLowerCase(),
      amount,
      evidenceHash: ethers.ZeroHash,
      nonce: await world.ledger.receiptNonce(world.programmeId, HOUSEHOLD),
      deadline: fx.clock.seconds + 3600n,
    });
    return { ...world, address, signer, domain, receipt };
  }

  it("redeems a delivery at the AidLedger with a PIN-checked custodial signature", async () => {
    const { ledger, token, vendor, signer, domain, receipt, address } = await setUp();
    const delivery = await receipt(40n * UNIT);
    const signed = await signer.signReceipt(
      { beneficiaryRef: GOLNAR, check: { pin: PIN } },
      domain,
      delivery,
    );

    expect(await ledger.receiptDigest(delivery)).to.equal(signed.digest);
    expect(ethers.recoverAddress(signed.digest, signed.signature).toLowerCase()).to.equal(address);

    const before = await token.balanceOf(vendor.address);
    await expect(ledger.connect(vendor).redeem(delivery, signed.signature, "0x"))
      .to.emit(ledger, "DeliveryRedeemed")
      .withArgs(
        signed.digest,
        delivery.programmeId,
        HOUSEHOLD,
        GOLNAR,
        vendor.address,
        40n * UNIT,
        ethers.ZeroHash,
        ethers.ZeroAddress,
      );
    expect(await ledger.owedTo(delivery.programmeId, vendor.address)).to.equal(40n * UNIT);
    await passDisputeWindows();
    await ledger.connect(vendor).collectSettlement(delivery.programmeId, vendor.address);
    expect(await token.balanceOf(vendor.address)).to.equal(before + 40n * UNIT);
  });

  it("rebinds on chain with the returned call data, after which only the new custodial key redeems", async () => {
    const { ledger, registry, registrar, vendor, signer, domain, receipt, address } = await setUp();
    const call = await rebindWallet(fx.ctx, {
      beneficiaryRef: GOLNAR,
      to: { custodial: true },
      reason: "card_lost",
    });

    await expect(registrar.sendTransaction({ to: await registry.getAddress(), data: call.calldata }))
      .to.emit(registry, "WalletRebound")
      .withArgs(GOLNAR, ethers.getAddress(address), call.newWallet, call.reason);
    expect((await registry.beneficiary(GOLNAR)).wallet).to.equal(call.newWallet);

    const delivery = await receipt(25n * UNIT);
    const signed = await signer.signReceipt(
      { beneficiaryRef: GOLNAR, check: { pin: PIN } },
      domain,
      delivery,
    );
    expect(signed.address).to.equal(call.newWallet.toLowerCase());
    await expect(ledger.connect(vendor).redeem(delivery, signed.signature, "0x")).to.emit(
      ledger,
      "DeliveryRedeemed",
    );

    // The old key still exists in the keystore. A lost-card rebind leaves receipts it signed redeemable within
    // the registry's grace (PREVIOUS_WALLET_RECEIPT_GRACE); one due after the grace is refused.
    const [, graceEndsAt] = await registry.previousWalletGrace(GOLNAR);
    const stale = { ...(await receipt(5n * UNIT)), deadline: graceEndsAt + 1n };
    const staleSignature = await fx.ctx.keystore
      .signer(address)
      .signTypedData(domain, DELIVERY_RECEIPT_TYPES, { ...stale });
    await expect(ledger.connect(vendor).redeem(stale, staleSignature, "0x"))
      .to.be.revertedWithCustomError(ledger, "ReceiptDeadlineBeyondGrace")
      .withArgs(graceEndsAt + 1n, graceEndsAt);
  });
});
