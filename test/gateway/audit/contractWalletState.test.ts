import { expect } from "chai";
import { answerContractWallets } from "../../../src/audit/checks/closingChecks";
import { Findings } from "../../../src/audit/checks/findings";
import type { ContractWalletQuestion } from "../../../src/audit/checks/redemptionCheck";
import type { AuditRpc } from "../../../src/audit/chain/rpc";

/** A node's answers, by method, for the one ERC-1271 question below. */
function node(answers: Record<string, () => unknown>): AuditRpc & { asked: string[] } {
  const asked: string[] = [];
  return {
    asked,
    async send<T>(method: string, params: unknown[]): Promise<T> {
      asked.push(`${method}@${String(params[1])}`);
      const answer = answers[method];
      if (!answer) throw new Error(`unexpected ${method}`);
      return answer() as T;
    },
  };
}

const question: ContractWalletQuestion = {
  event: {
    source: "ledger",
    name: "DeliveryRedeemed",
    args: { programmeId: 4n },
    timestamp: 1_700_000_000,
    txHash: `0x${"ab".repeat(32)}`,
    logIndex: 3,
    blockNumber: 120,
  },
  digest: `0x${"11".repeat(32)}`,
  signature: `0x${"22".repeat(65)}`,
  candidates: [{ wallet: `0x${"33".repeat(20)}` }],
  deadline: 1_800_000_000n,
};

describe("audit: a contract wallet's answer at a block the node keeps no state for", function () {
  it("says the signature could not be checked there, naming the block, instead of calling it forged", async () => {
    const findings = new Findings();
    const pruned = node({
      eth_getCode: () => {
        throw new Error("eth_getCode: BlockOutOfRangeError: block height is 400 but requested was 119");
      },
    });
    await answerContractWallets(pruned, [question], findings);
    expect(pruned.asked).to.deep.equal(["eth_getCode@0x77"]);
    expect(findings.list).to.have.length(1);
    expect(findings.list[0]!.check).to.equal("beneficiary_signature");
    expect(findings.list[0]!.message).to.match(/could not be asked: the node keeps no state at block 119/);
    expect(findings.list[0]!.event?.txHash).to.equal(question.event.txHash);
  });

  it("approves what the wallet accepts and names a wallet that refuses as no bound wallet's", async () => {
    const accepting = new Findings();
    await answerContractWallets(
      node({ eth_getCode: () => "0x6080", eth_call: () => `0x1626ba7e${"0".repeat(56)}` }),
      [question],
      accepting,
    );
    expect(accepting.list).to.deep.equal([]);
    const refusing = new Findings();
    await answerContractWallets(
      node({
        eth_getCode: () => "0x6080",
        eth_call: () => {
          throw new Error("eth_call: execution reverted");
        },
      }),
      [question],
      refusing,
    );
    expect(refusing.list.map((finding) => finding.message)).to.deep.equal([
      "the beneficiary signature was made by no wallet bound to the beneficiary in that household (ECDSA or ERC-1271)",
    ]);
  });

  it("fails the audit on any other error of the node, rather than reading it as a refusal", async () => {
    await answerContractWallets(
      node({
        eth_getCode: () => {
          throw new Error("eth_getCode: the node answered HTTP 502");
        },
      }),
      [question],
      new Findings(),
    ).then(
      () => expect.fail("a node error must not pass as an answer"),
      (error: Error) => expect(error.message).to.match(/HTTP 502/),
    );
  });
});
