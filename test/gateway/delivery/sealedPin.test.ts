import { expect } from "chai";
import { generateKeyPairSync } from "node:crypto";
import { PassThrough } from "node:stream";
import { deliveriesCommand } from "../../../src/cli/deliveriesCommand";
import { openSealedPin, SealedPinError } from "../../../src/delivery";
import { rawPublicKey } from "../../../src/delivery/offline/sealedPin";

const DIGEST = `0x${"ab".repeat(32)}`;
const OTHER_DIGEST = `0x${"cd".repeat(32)}`;

function gatewayKey() {
  const pair = generateKeyPairSync("x25519");
  return { privateKey: pair.privateKey, publicKey: rawPublicKey(pair.publicKey) };
}

/** `sintech deliveries seal-pin --redemption-id --public-key`, the PIN on stdin; returns what it printed. */
async function sealWithCli(publicKey: Buffer, digest: string, pin: string): Promise<string> {
  const stdin = new PassThrough();
  const stdout = new PassThrough();
  stdin.end(`${pin}\n`);
  let printed = "";
  stdout.on("data", (chunk: Buffer) => (printed += chunk.toString()));
  const code = await deliveriesCommand(
    ["seal-pin", "--redemption-id", digest, "--public-key", publicKey.toString("base64url")],
    { stdin, stdout },
  );
  expect(code).to.equal(0);
  return printed.trim();
}

describe("sealed PINs (X25519, HKDF-SHA256, AES-256-GCM)", () => {
  it("opens a PIN sealed by the CLI helper for the same delivery, and the sealed form does not hold the PIN", async () => {
    const key = gatewayKey();
    const sealed = await sealWithCli(key.publicKey, DIGEST, "582914");
    expect(openSealedPin(key, DIGEST, sealed)).to.equal("582914");
    expect(Buffer.from(sealed, "base64url").includes(Buffer.from("582914"))).to.equal(false);
    // Each sealing is fresh (an ephemeral key and IV): two seals of one PIN differ.
    expect(await sealWithCli(key.publicKey, DIGEST, "582914")).to.not.equal(sealed);
  });

  it("refuses a PIN sealed for another delivery, a changed byte anywhere, and another gateway's key", async () => {
    const key = gatewayKey();
    const sealed = await sealWithCli(key.publicKey, DIGEST, "582914");
    const problem = (run: () => unknown) => {
      try {
        run();
      } catch (error) {
        expect(error).to.be.instanceOf(SealedPinError);
        return (error as SealedPinError).problem;
      }
      throw new Error("opened");
    };
    expect(problem(() => openSealedPin(key, OTHER_DIGEST, sealed))).to.equal("sealed_for_another_delivery");
    const bytes = Buffer.from(sealed, "base64url");
    for (const index of [0, 5, 40, 50, bytes.length - 1]) {
      const changed = Buffer.from(bytes);
      changed[index]! ^= 0x01;
      expect(
        problem(() => openSealedPin(key, DIGEST, changed.toString("base64url"))),
        `byte ${index}`,
      ).to.equal("sealed_pin_invalid");
    }
    expect(problem(() => openSealedPin(gatewayKey(), DIGEST, sealed))).to.equal("sealed_pin_invalid");
  });
});
