import { expect } from "chai";
import { randomBytes } from "node:crypto";
import { Transaction, Wallet, type TransactionRequest } from "ethers";
import { signEip1559 } from "../../../src/wallets/keystore/signEip1559";
import { walletKeySigner } from "../../../src/wallets/keystore/keySigner";

/** Transactions as the outbox signs them, across the RLP length boundaries of each field. */
function cases(): TransactionRequest[] {
  const to = Wallet.createRandom().address;
  const datas = [
    "0x",
    "0x00",
    "0x7f",
    "0x80",
    `0x${"ab".repeat(55)}`,
    `0x${"cd".repeat(56)}`,
    `0x${randomBytes(40_000).toString("hex")}`,
  ];
  const numbers = [0n, 1n, 127n, 128n, 255n, 256n, 2n ** 32n, 10n ** 18n, 2n ** 255n];
  const out: TransactionRequest[] = [];
  for (const [i, data] of datas.entries())
    for (const [j, n] of numbers.entries())
      out.push({
        type: 2,
        to: i % 2 ? to : to.toLowerCase(),
        data,
        chainId: [1n, 31337n, 2n ** 40n][j % 3]!,
        nonce: Number(numbers[(i + j) % 6]!),
        gasLimit: n === 0n ? 21_000n : n,
        maxFeePerGas: numbers[(j + 3) % numbers.length]!,
        maxPriorityFeePerGas:
          numbers[(j + 1) % 4]! > numbers[(j + 3) % numbers.length]! ? 0n : numbers[(j + 1) % 4]!,
        value: j % 2 ? n : undefined,
      });
  return out;
}

describe("chain: EIP-1559 transactions signed natively", function () {
  it("are byte for byte what an ethers Wallet signs, and recover to the wallet", async function () {
    const wallet = Wallet.createRandom();
    const key = Buffer.from(wallet.privateKey.slice(2), "hex");
    for (const tx of cases()) {
      const ours = signEip1559(tx, key);
      expect(
        ours,
        JSON.stringify({ ...tx, data: tx.data!.slice(0, 20) }, (_, v) =>
          typeof v === "bigint" ? String(v) : v,
        ),
      ).to.equal(await wallet.signTransaction(tx));
      expect(Transaction.from(ours!).from).to.equal(wallet.address);
    }
  });

  it("leaves to ethers what it does not write: another type, an access list, a creation, a name, a missing field", function () {
    const key = randomBytes(32);
    const base: TransactionRequest = {
      type: 2,
      to: Wallet.createRandom().address,
      data: "0x",
      chainId: 1n,
      nonce: 0,
      gasLimit: 21_000n,
      maxFeePerGas: 1n,
      maxPriorityFeePerGas: 1n,
    };
    expect(signEip1559(base, key)).to.be.a("string");
    for (const other of [
      { ...base, type: 0, gasPrice: 1n },
      { ...base, accessList: [{ address: base.to as string, storageKeys: [] }] },
      { ...base, to: null },
      { ...base, to: "registry.sintech.eth" },
      { ...base, nonce: undefined },
      { ...base, data: "0x123" },
      { ...base, maxPriorityFeePerGas: 2n },
    ])
      expect(signEip1559(other as TransactionRequest, key)).to.equal(undefined);
  });

  it("through the keystore's signer: the same bytes as the wallet, and another sender refused as ethers refuses it", async function () {
    const wallet = new Wallet(Wallet.createRandom().privateKey);
    const signer = walletKeySigner(wallet);
    const tx: TransactionRequest = { ...cases()[12]!, from: wallet.address };
    expect(await signer.signTransaction(tx)).to.equal(await wallet.signTransaction(tx));
    const legacy: TransactionRequest = {
      type: 0,
      to: tx.to,
      nonce: 1,
      gasLimit: 21_000n,
      gasPrice: 7n,
      chainId: 5n,
    };
    expect(await signer.signTransaction(legacy)).to.equal(await wallet.signTransaction(legacy));
    let refused: unknown;
    await signer
      .signTransaction({ ...tx, from: Wallet.createRandom().address })
      .catch((error: unknown) => (refused = error));
    expect(String(refused)).to.match(/from address mismatch/);
  });
});
