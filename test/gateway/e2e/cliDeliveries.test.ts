import { expect } from "chai";
import { spawn } from "node:child_process";
import path from "node:path";
import { removeDataDir } from "./harness";
import { deliveryWorld, PIN, type DeliveryWorld } from "./deliveryFixture";

const BIN = path.join(__dirname, "..", "..", "..", "bin", "sintech.js");

/** Runs the real CLI in its own process, typing `input` on its stdin, as a vendor's counter would. */
function sintech(args: string[], env: Record<string, string>, input = "") {
  return new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
    const child = spawn(process.execPath, [BIN, ...args], { env: { PATH: process.env.PATH ?? "", ...env } });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk) => (stdout += String(chunk)));
    child.stderr.on("data", (chunk) => (stderr += String(chunk)));
    child.on("close", (code) => resolve({ code: code ?? 1, stdout, stderr }));
    child.stdin.end(input);
  });
}

describe("e2e: sintech deliveries open|show|accept|dispute", function () {
  let world: DeliveryWorld;
  let env: Record<string, string>;

  before(async () => {
    world = await deliveryWorld(1, 540_001);
    env = { SINTECH_URL: world.gw.url, SINTECH_API_KEY: world.vendor.apiKey };
  });
  after(async () => {
    await world?.gw.stop();
    if (world) removeDataDir(world.gw.dataDir);
  });

  it("opens by a national ID read from stdin, accepts with a PIN read from stdin, and shows the redemption", async () => {
    const household = world.households[0]!;
    const open = await sintech(
      [
        "deliveries",
        "open",
        "--programme",
        String(world.programmeId),
        "--national-id",
        "--amount",
        "1200",
        "--item",
        "rice",
      ],
      env,
      `${household.nationalId}\n`,
    );
    expect(open.code, open.stderr).to.equal(0);
    const [, deliveryId] = /^delivery (dlv_[0-9a-f-]{36}): open/.exec(open.stdout)!;
    expect(open.stdout).to.include('"primaryType": "DeliveryReceipt"');
    expect(open.stdout + open.stderr).to.not.include(household.nationalId);

    const wrong = await sintech(["deliveries", "accept", deliveryId!, "--pin"], env, "907132\n");
    expect(wrong.code).to.equal(2);
    expect(wrong.stderr).to.match(/^sintech: The PIN is incorrect \(401, field check\)/);
    const accept = await sintech(["deliveries", "accept", deliveryId!, "--pin"], env, `${PIN}\n`);
    expect(accept.code, accept.stderr).to.equal(0);
    expect(accept.stdout).to.match(new RegExp(`^delivery ${deliveryId}: (accepted|redeemed)`));

    await world.gw.services.outbox.drain();
    const show = await sintech(["deliveries", "show", deliveryId!], env);
    expect(show.code, show.stderr).to.equal(0);
    expect(show.stdout).to.match(/: redeemed, rice 1200, tx 0x[0-9a-f]{64} block \d+/);
  });

  it("disputes an open delivery with a PIN from stdin, and explains a missing proof in one line", async () => {
    const household = world.households[0]!;
    const open = await sintech(
      [
        "deliveries",
        "open",
        "--programme",
        String(world.programmeId),
        "--household",
        household.householdRef,
        "--amount",
        "5",
        "--item",
        "bread",
      ],
      env,
    );
    const [, deliveryId] = /^delivery (dlv_[0-9a-f-]{36}): open/.exec(open.stdout)!;
    const none = await sintech(["deliveries", "dispute", deliveryId!], env);
    expect(none.code).to.equal(2);
    expect(none.stderr.trim()).to.equal("sintech: Give exactly one of --pin, --sms or --signature <0x..>.");
    const dispute = await sintech(
      ["deliveries", "dispute", deliveryId!, "--pin", "--reason", "wrong_item"],
      env,
      `${PIN}\n`,
    );
    expect(dispute.code, dispute.stderr).to.equal(0);
    expect(dispute.stdout).to.match(new RegExp(`^delivery ${deliveryId}: disputed`));
  });
});
