import { expect } from "chai";
import { Readable, Writable } from "node:stream";
import { CliError } from "../../../src/cli/apiClient";
import { main } from "../../../src/cli/main";
import { mandatesCommand } from "../../../src/cli/mandatesCommand";
import { removeDataDir } from "../e2e/harness";
import {
  currentPeriod,
  lastCode,
  mandateWorld,
  PIN,
  PREMIUM,
  tableCounts,
  textsTo,
  type MandateWorld,
} from "./mandateFixture";

/**
 * `sintech mandates ...` against a running gateway over real HTTP (anvil, SQLite, outbox): the insurer proposes,
 * the household accepts by the code texted to it (typed on stdin), the insurer redeems this period's premium, the
 * charity reads and the household revokes by its PIN (stdin). Codes and PINs never appear in what it prints.
 */
describe("mandates CLI: propose, accept, redeem, revoke", function () {
  this.timeout(300_000);
  let world: MandateWorld;

  before(async () => {
    world = await mandateWorld(2, 630_001);
  });
  after(async () => {
    await world?.gw.stop();
    if (world) removeDataDir(world.gw.dataDir);
  });

  async function sintech(apiKey: string, args: string[], input = ""): Promise<string> {
    let out = "";
    const stdout = new Writable({
      write(chunk, _encoding, done) {
        out += String(chunk);
        done();
      },
    });
    const saved = [process.env.SINTECH_URL, process.env.SINTECH_API_KEY];
    Object.assign(process.env, { SINTECH_URL: world.gw.url, SINTECH_API_KEY: apiKey });
    try {
      const code = await mandatesCommand(args, { stdin: Readable.from([input]), stdout });
      expect(code).to.equal(0);
      return out;
    } finally {
      for (const [name, value] of [
        ["SINTECH_URL", saved[0]],
        ["SINTECH_API_KEY", saved[1]],
      ] as const) {
        if (value === undefined) delete process.env[name];
        else process.env[name] = value;
      }
    }
  }

  it("proposes, accepts by SMS code, redeems the premium, lists, and revokes by PIN, printing no secret", async () => {
    const { insurer, charity, households, programmeId } = world;
    const household = households[1]!;
    const period = await currentPeriod(world);
    const proposed = await sintech(insurer.apiKey, [
      "propose",
      "--programme",
      String(programmeId),
      "--household",
      household.householdRef,
      "--premium",
      PREMIUM,
      "--first-period",
      String(period),
      "--last-period",
      String(period + 5),
    ]);
    const [, mandateId] = /^mandate (mdt_[0-9a-f-]{36}): proposed, 50000 a period/.exec(proposed)!;
    expect(proposed).to.include('"primaryType": "StandingMandate"');

    expect(await sintech(insurer.apiKey, ["sms-code", mandateId!, "--accept"])).to.match(
      /^code to accept sent to the household's phone/,
    );
    const code = lastCode(world.gw, household.phone);
    const accepted = await sintech(insurer.apiKey, ["accept", mandateId!, "--sms"], `${code}\n`);
    expect(accepted).to.match(
      new RegExp(`: accepted, .* \\(on chain 0x[0-9a-f]{64}\\)\\naccepted by ${household.headRef} \\(sms\\)`),
    );
    expect(accepted).to.not.include(code);

    const redeemed = await sintech(insurer.apiKey, ["premium", mandateId!]);
    expect(redeemed).to.match(
      new RegExp(
        `^${mandateId}: premium of period ${period} redeemed \\(delivery dlv_[0-9a-f-]{36}\\), household told it is insured`,
      ),
    );
    expect(textsTo(world.gw, household.phone).at(-1)).to.include("insured this period");
    const shown = await sintech(charity.apiKey, ["show", mandateId!]);
    expect(shown).to.include(`premium of period ${period}: ${PREMIUM} redeemed, household told`);
    expect(await sintech(charity.apiKey, ["list", "--household", household.householdRef])).to.include(
      mandateId!,
    );
    expect(await sintech(world.otherCharity.apiKey, ["list"])).to.equal("no mandates\n");

    const revoked = await sintech(charity.apiKey, ["revoke", mandateId!, "--pin"], `${PIN}\n`);
    expect(revoked).to.include(`: revoked,`).and.include(`revoked by ${household.headRef} (pin)`);
    expect(revoked).to.not.include(PIN);
  });

  it("explains a refusal in one line naming the field, and writes nothing", async () => {
    const { insurer, households, programmeId } = world;
    const before = tableCounts(world.gw);
    let refused: unknown;
    await sintech(insurer.apiKey, [
      "propose",
      "--programme",
      String(programmeId),
      "--household",
      households[0]!.householdRef,
      "--premium",
      "9999999",
      "--first-period",
      "1",
      "--last-period",
      "2",
    ]).catch((error) => (refused = error));
    expect(refused).to.be.instanceOf(CliError);
    expect((refused as Error).message).to.match(/\(400, field premiumPerPeriod\)$/);
    await sintech(insurer.apiKey, [
      "accept",
      "mdt_00000000-0000-4000-8000-000000000000",
      "--pin",
      "--sms",
    ]).catch((error) => (refused = error));
    expect((refused as Error).message).to.equal("Give exactly one of --pin, --sms or --signature <0x..>.");
    await sintech(insurer.apiKey, ["premium", "mdt_00000000-0000-4000-8000-000000000000"]).catch(
      (error) => (refused = error),
    );
    expect((refused as Error).message).to.match(/\(404, field mandateId\)$/);
    expect(tableCounts(world.gw)).to.deep.equal(before);
    expect(await main(["mandates", "sell"])).to.equal(2);
  });
});
