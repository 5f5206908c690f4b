import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { JsonRpcProvider, Wallet, ZeroHash, id, type TransactionResponse } from "ethers";
import { addressesOf, deployAidSystem } from "../../../deploy/system";
import { startLocalChain, type LocalChain } from "../../../src/chain/localChain";
import { domainSeparator, receiptDigest, type CalldataReceipt } from "../../../src/audit/chain/receiptDigest";
import type { AuditAddresses } from "../../../src/audit";
import { TestSettlementToken__factory } from "../../../typechain-types";

/** anvil's first ten dev keys (mnemonic "test test ... junk"): the bench's actors. */
const DEV_KEYS = [
  "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80",
  "0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d",
  "0x5de4111afa1a4b94908f83103eb1f1706367c2e68ca870fc3fb9a804cdab365a",
  "0x7c852118294e51e653712a81e05800f419141751be58f605c371e15141b007a6",
  "0x47e179ec197488593b187f80a00eb0da91f1b9d0b13f8733639f19c30a34926a",
  "0x8b3a350cf5c34c9194ca85829a2df0ec3153be0318b5e2d3348e872092edffba",
];
const UNIT = 10n ** 18n;
const YEAR = 365 * 24 * 3600;
const PERIOD = 30 * 24 * 3600;
const Kind = { Charity: 1, Vendor: 2, Auditor: 4, Registrar: 5, Coordinator: 6 } as const;

export interface GeneratedLedger {
  chain: LocalChain;
  addresses: AuditAddresses;
  throughBlock: number;
  redemptions: number;
  auditorKey: string;
  generatedMs?: number;
}

interface Meta {
  addresses: AuditAddresses;
  throughBlock: number;
  redemptions: number;
}

const native = require("secp256k1/bindings") as {
  ecdsaSign(msg32: Uint8Array, key: Uint8Array): { signature: Uint8Array; recid: number };
};

/** Signs a digest with libsecp256k1 through the `secp256k1` package's native binding (low s), as `r ‖ s ‖ v`. */
function sign(digest: string, key: Uint8Array): string {
  const output = native.ecdsaSign(Buffer.from(digest.slice(2), "hex"), key);
  return `0x${Buffer.from(output.signature).toString("hex")}${(27 + output.recid).toString(16)}`;
}

async function sendAll(sends: (() => Promise<TransactionResponse>)[]): Promise<void> {
  let last: TransactionResponse | undefined;
  for (const send of sends) last = await send();
  await last?.wait();
}

/**
 * A ledger with `count` redemptions on the embedded anvil: one programme, one gift, `count` single-member
 * households registered and issued, and every household's receipt wallet-signed and redeemed by one vendor
 * in batches of 256. The chain's state is kept in `cacheDir`, so a second run audits the same ledger
 * without generating it again.
 */
export async function generatedLedger(
  cacheDir: string,
  count: number,
  port: number,
): Promise<GeneratedLedger> {
  const dataDir = join(cacheDir, `ledger-${count}`);
  const metaPath = join(dataDir, "audit-bench.json");
  // The metadata is written last: without it the folder holds a generation that was stopped part way,
  // whose chain would gain a second system on top of the first. Start it again from nothing.
  if (!existsSync(metaPath)) rmSync(dataDir, { recursive: true, force: true });
  mkdirSync(dataDir, { recursive: true });
  const chain = await startLocalChain({ dataDir, port });
  if (existsSync(metaPath)) {
    const meta = JSON.parse(readFileSync(metaPath, "utf8")) as Meta;
    return { chain, ...meta, auditorKey: DEV_KEYS[5]! };
  }
  const started = performance.now();
  const provider = new JsonRpcProvider(chain.url, undefined, { staticNetwork: true, cacheTimeout: -1 });
  const [deployer, council, regulator, charity, vendor, auditor] = DEV_KEYS.map(
    (key) => new Wallet(key, provider),
  );
  const system = await deployAidSystem(deployer!, {
    council: [council!.address],
    regulators: [regulator!.address],
    timelockDelay: 2 * 24 * 3600,
    adminDelay: 3 * 24 * 3600,
  });
  const now = (await provider.getBlock("latest"))!.timestamp;
  // The whole run inside one period: the next block starts a period.
  const periodStart = (Math.floor(now / PERIOD) + 1) * PERIOD;
  const grants: [Wallet, number][] = [
    [charity!, Kind.Charity],
    [vendor!, Kind.Vendor],
    [auditor!, Kind.Auditor],
    [regulator!, Kind.Registrar],
  ];
  for (const [holder, kind] of grants) {
    await (
      await system.licences
        .connect(regulator)
        .grantLicence(holder.address, kind, 0b111, (1n << 256n) - 1n, now, now + 10 * YEAR, "bafy-licence")
    ).wait();
  }
  await provider.send("evm_setNextBlockTimestamp", [periodStart]);
  const token = await new TestSettlementToken__factory(deployer).deploy();
  await token.waitForDeployment();
  const ledgerAddress = await system.ledger.getAddress();
  const amount = 10n * UNIT;
  await (await token.mint(charity!.address, amount * BigInt(count))).wait();
  await (await token.connect(charity).approve(ledgerAddress, amount * BigInt(count))).wait();
  await (
    await system.ledger.connect(charity).createProgramme({
      layer: 0,
      category: 1,
      token: await token.getAddress(),
      periodLength: PERIOD,
      groupId: 0,
      capPerPeriod: amount,
      minGift: amount,
      startsAt: periodStart,
      endsAt: periodStart + 2 * PERIOD,
      requiresFieldAgent: false,
      metadataCid: "bafy-bench-programme",
      vendors: [vendor!.address],
    })
  ).wait();
  await (
    await system.ledger.connect(charity).recordGift(1, id("bench donor"), amount * BigInt(count), ZeroHash, 0)
  ).wait();

  const members = Array.from({ length: count }, (_, i) => {
    const key = id(`sintech audit bench wallet ${i}`);
    return {
      key: Buffer.from(key.slice(2), "hex"),
      wallet: new Wallet(key).address,
      beneficiaryRef: id(`bench beneficiary ${i}`),
      householdRef: id(`bench household ${i}`),
    };
  });
  const registrar = regulator!;
  let registrarNonce = await provider.getTransactionCount(registrar.address);
  const register = [];
  for (let i = 0; i < count; i += 300) {
    const slice = members.slice(i, i + 300);
    const nonce = registrarNonce++;
    register.push(() =>
      system.registry.connect(registrar).registerBatch(
        slice.map((m) => ({
          beneficiaryRef: m.beneficiaryRef,
          householdRef: m.householdRef,
          wallet: m.wallet,
        })),
        { nonce, gasLimit: 40_000_000 },
      ),
    );
  }
  await sendAll(register);
  let charityNonce = await provider.getTransactionCount(charity!.address);
  const issue = [];
  for (let i = 0; i < count; i += 500) {
    const slice = members.slice(i, i + 500);
    const nonce = charityNonce++;
    issue.push(() =>
      system.ledger.connect(charity).issueBatch(
        1,
        slice.map((m) => m.beneficiaryRef),
        slice.map((m) => m.householdRef),
        amount,
        { nonce, gasLimit: 60_000_000 },
      ),
    );
  }
  await sendAll(issue);

  const separator = domainSeparator(Number((await provider.getNetwork()).chainId), ledgerAddress);
  const period = BigInt(Math.floor(periodStart / PERIOD));
  const items = members.map((m) => {
    const receipt: CalldataReceipt = {
      programmeId: 1n,
      beneficiaryRef: m.beneficiaryRef,
      householdRef: m.householdRef,
      vendor: vendor!.address,
      amount,
      evidenceHash: id(`bench evidence ${m.householdRef}`),
      nonce: period << 8n,
      deadline: BigInt(periodStart + PERIOD - 1),
    };
    return {
      receipt,
      beneficiarySignature: sign(receiptDigest(separator, receipt), m.key),
      fieldAgentSignature: "0x",
    };
  });
  let vendorNonce = await provider.getTransactionCount(vendor!.address);
  const redeem = [];
  for (let i = 0; i < count; i += 256) {
    const slice = items.slice(i, i + 256);
    const nonce = vendorNonce++;
    redeem.push(() => system.ledger.connect(vendor).redeemBatch(slice, { nonce, gasLimit: 40_000_000 }));
  }
  await sendAll(redeem);
  const { timelock, licences, registry, ledger, anchor, auditLog, mandates } = system;
  const all = await addressesOf({ timelock, licences, registry, ledger, anchor, auditLog, mandates });
  const meta: Meta = {
    addresses: {
      ledger: all.ledger,
      registry: all.registry,
      licences: all.licences,
      anchor: all.anchor,
      auditLog: all.auditLog,
      mandates: all.mandates,
    },
    throughBlock: await provider.getBlockNumber(),
    redemptions: count,
  };
  provider.destroy();
  await chain.saveState();
  writeFileSync(metaPath, `${JSON.stringify(meta, null, 2)}\n`);
  return { chain, ...meta, auditorKey: DEV_KEYS[5]!, generatedMs: performance.now() - started };
}
