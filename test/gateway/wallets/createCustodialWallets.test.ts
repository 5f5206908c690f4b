import { expect } from "chai";
import { verifyMessage } from "ethers";
import { ValidationError } from "../../../src/errors";
import { createCustodialWallets, getWalletBinding } from "../../../src/wallets";
import { openWalletsFixture, rejectionOf, testRef, type WalletsFixture } from "./helpers/walletsFixture";

const BULK = 10_000;

describe("wallets: createCustodialWallets", () => {
  let fx: WalletsFixture;
  beforeEach(() => {
    fx = openWalletsFixture();
  });
  afterEach(() => fx.cleanup());

  const count = (table: string) =>
    (fx.db.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n;

  it(`creates ${BULK.toLocaleString("en")} custodial wallets in one batch, each distinct and bound to its beneficiary`, async () => {
    const refs = Array.from({ length: BULK }, (_, i) => testRef(i));
    const started = performance.now();
    const cpuBefore = process.cpuUsage();
    const wallets = await createCustodialWallets(fx.ctx, { beneficiaryRefs: refs });
    const cpu = process.cpuUsage(cpuBefore);
    const elapsedMs = performance.now() - started;
    // Reported, not asserted: wall time depends on what else the machine is doing.
    console.log(
      `      (${BULK} custodial wallets: ${Math.round(elapsedMs)} ms wall, ${Math.round((cpu.user + cpu.system) / 1000)} ms CPU)`,
    );

    expect(wallets).to.have.length(BULK);
    expect(wallets.map((w) => w.beneficiaryRef)).to.deep.equal(refs);
    expect(
      wallets.every((w) => w.created && w.custody === "custodial" && /^0x[0-9a-f]{40}$/.test(w.address)),
    ).to.equal(true);
    expect(new Set(wallets.map((w) => w.address)).size).to.equal(BULK);
    expect(count("keys")).to.equal(BULK);
    expect(count("wallet_bindings")).to.equal(BULK);
    expect(count("wallet_binding_history")).to.equal(BULK);
    expect(
      fx.db
        .prepare(
          `SELECT count(*) AS n FROM keys k JOIN wallet_bindings b ON b.address = k.address
           WHERE k.purpose = 'custodial' AND k.owner = b.beneficiary_ref AND b.custody = 'custodial' AND k.key_version = 1`,
        )
        .get(),
    ).to.deep.equal({ n: BULK });

    // A sample of the keys really are the wallets they claim to be.
    for (const i of [0, 4_321, BULK - 1]) {
      const signer = fx.ctx.keystore.signer(wallets[i]!.address);
      expect(verifyMessage("sample", await signer.signMessage("sample")).toLowerCase()).to.equal(
        wallets[i]!.address,
      );
    }
  });

  it("returns beneficiaries already bound unchanged, creating wallets only for the others", async () => {
    const [first] = await createCustodialWallets(fx.ctx, { beneficiaryRefs: [testRef(1)] });
    const again = await createCustodialWallets(fx.ctx, { beneficiaryRefs: [testRef(1), testRef(2)] });
    expect(again[0]).to.deep.equal({ ...first, created: false });
    expect(again[1]).to.include({ beneficiaryRef: testRef(2), created: true });
    expect(count("keys")).to.equal(2);
    const binding = await getWalletBinding(fx.ctx, { beneficiaryRef: testRef(1) });
    expect(binding).to.include({ address: first!.address, custody: "custodial", status: "active" });
    expect(binding.history).to.deep.equal([
      {
        previousAddress: null,
        newAddress: first!.address,
        reason: "custodial_enrolment",
        at: binding.boundAt,
      },
    ]);
  });

  it("rejects a malformed or repeated reference, naming it, and writes nothing", async () => {
    const malformed = await rejectionOf(
      createCustodialWallets(fx.ctx, {
        beneficiaryRefs: [testRef(1), testRef(2).toUpperCase().replace("0X", "0x")],
      }),
    );
    expect(malformed).to.be.instanceOf(ValidationError);
    expect(malformed).to.include({ field: "beneficiaryRefs[1]", code: "format" });

    const repeated = await rejectionOf(
      createCustodialWallets(fx.ctx, { beneficiaryRefs: [testRef(1), testRef(2), testRef(1)] }),
    );
    expect(repeated).to.include({ field: "beneficiaryRefs[2]", code: "duplicate" });
    expect(count("keys")).to.equal(0);
    expect(count("wallet_bindings")).to.equal(0);
  });
});
