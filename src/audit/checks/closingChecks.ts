import { Interface } from "ethers";
import { AidLedger__factory } from "../../../typechain-types";
import type { AuditRpc } from "../chain/rpc";
import type { PublishedProof } from "../types";
import type { Findings } from "./findings";
import { proofVerifies } from "./merkleProof";
import type { ContractWalletQuestion } from "./redemptionCheck";
import type { ReplayState } from "./replayState";

const LEDGER = AidLedger__factory.createInterface();
const ERC20 = new Interface(["function balanceOf(address) view returns (uint256)"]);
const ERC1271 = new Interface(["function isValidSignature(bytes32,bytes) view returns (bytes4)"]);
const ERC1271_MAGIC = "0x1626ba7e";

const tag = (block: number) => `0x${block.toString(16)}`;

async function call(rpc: AuditRpc, to: string, data: string, block: number): Promise<string | undefined> {
  try {
    return await rpc.send<string>("eth_call", [{ to, data }, tag(block)]);
  } catch (error) {
    if (stateUnavailable(error)) throw error;
    return undefined;
  }
}

/**
 * A node's answer that it keeps no state at that block (anvil beyond its `--prune-history`, Besu's Bonsai
 * beyond its layers, geth's "missing trie node"), as opposed to a call that ran and reverted.
 */
export function stateUnavailable(error: unknown): boolean {
  return /out of range|BlockOutOfRange|missing trie node|header not found|world state unavailable|state (?:is )?not available|historical state/i.test(
    error instanceof Error ? error.message : String(error),
  );
}

/**
 * Signatures no bound wallet's key made: approved only if the wallet was a contract at that block whose
 * ERC-1271 `isValidSignature` accepted the digest (asked at the state before the redemption's block).
 */
export async function answerContractWallets(
  rpc: AuditRpc,
  questions: readonly ContractWalletQuestion[],
  findings: Findings,
): Promise<void> {
  for (const question of questions) {
    const block = Math.max(0, question.event.blockNumber - 1);
    let approved = false;
    let unanswered = false;
    for (const candidate of question.candidates) {
      try {
        const code = await rpc.send<string>("eth_getCode", [candidate.wallet, tag(block)]);
        if (code === "0x") continue;
        const answer = await call(
          rpc,
          candidate.wallet,
          ERC1271.encodeFunctionData("isValidSignature", [question.digest, question.signature]),
          block,
        );
        if (answer && answer.slice(0, 10).toLowerCase() === ERC1271_MAGIC) {
          approved = candidate.graceEndsAt === undefined || question.deadline <= candidate.graceEndsAt;
          if (approved) break;
        }
      } catch (error) {
        if (!stateUnavailable(error)) throw error;
        unanswered = true;
      }
    }
    if (!approved) {
      const unasked = `whether a bound contract wallet (ERC-1271) accepted it could not be asked: the node keeps no state at block ${block}; audit against a node that keeps history (an archive node)`;
      findings.add(
        "beneficiary_signature",
        unanswered
          ? `${question.whenRefused ?? "the beneficiary signature matches no bound wallet's key"}, and ${unasked}`
          : (question.whenRefused ??
              "the beneficiary signature was made by no wallet bound to the beneficiary in that household (ECDSA or ERC-1271)"),
        question.event,
        question.event.args.programmeId as bigint,
      );
      for (const dependent of question.dependents ?? []) {
        findings.add(
          "beneficiary_signature",
          `approved by mandate ${question.digest}, whose signature could not be shown to be the beneficiary's`,
          dependent,
          dependent.args.programmeId as bigint,
        );
      }
    }
  }
}

/**
 * The rebuilt money against what the ledger stores at the audited block: per programme (`fundsOf`), per gift
 * (`gift`), and the token each programme settles in, held by the ledger (`given - refunded - collected`).
 */
export async function compareBooks(
  rpc: AuditRpc,
  ledger: string,
  state: ReplayState,
  throughBlock: number,
  findings: Findings,
): Promise<void> {
  const heldPerToken = new Map<string, bigint>();
  for (const [programmeId, books] of state.books) {
    const last = state.lastMoneyEvent.get(programmeId) ?? state.programmes.get(programmeId)?.created;
    const raw = await call(rpc, ledger, LEDGER.encodeFunctionData("fundsOf", [programmeId]), throughBlock);
    if (raw) {
      const [funds] = LEDGER.decodeFunctionResult("fundsOf", raw);
      const stored = {
        given: funds.given as bigint,
        paid: funds.paid as bigint,
        refunded: funds.refunded as bigint,
        collected: funds.collected as bigint,
        owed: funds.owed as bigint,
      };
      const rebuilt = {
        given: books.given,
        paid: books.paid,
        refunded: books.refunded,
        collected: books.collected,
        owed: books.paid - books.collected,
      };
      for (const field of Object.keys(rebuilt) as (keyof typeof rebuilt)[]) {
        if (stored[field] !== rebuilt[field]) {
          findings.add(
            "money_conservation",
            `programme ${programmeId}: the ledger stores ${field} = ${stored[field]}, the events give ${rebuilt[field]}`,
            last,
            programmeId,
          );
        }
      }
    }
    const held = books.given - books.refunded - books.collected;
    if (books.token) heldPerToken.set(books.token, (heldPerToken.get(books.token) ?? 0n) + held);
  }
  for (const [giftId, gift] of state.gifts) {
    const raw = await call(rpc, ledger, LEDGER.encodeFunctionData("gift", [giftId]), throughBlock);
    if (!raw) continue;
    const [stored] = LEDGER.decodeFunctionResult("gift", raw);
    if (stored.amount !== gift.amount || stored.paid !== gift.paid || stored.refunded !== gift.refunded) {
      findings.add(
        "gift_conservation",
        `gift ${giftId}: stored ${stored.amount}/${stored.paid}/${stored.refunded} (given/paid/refunded), events give ${gift.amount}/${gift.paid}/${gift.refunded}`,
        gift.last,
        gift.programmeId,
      );
    }
  }
  for (const [token, expected] of heldPerToken) {
    const raw = await call(rpc, token, ERC20.encodeFunctionData("balanceOf", [ledger]), throughBlock);
    const balance = raw ? (ERC20.decodeFunctionResult("balanceOf", raw)[0] as bigint) : undefined;
    if (balance !== expected) {
      const programmeId = [...state.books.values()].find((books) => books.token === token)?.programmeId;
      findings.add(
        "token_balance",
        `the ledger holds ${balance ?? "an unreadable balance"} of token ${token}; given - refunded - collected is ${expected}`,
        programmeId ? state.lastMoneyEvent.get(programmeId) : undefined,
        programmeId,
      );
    }
  }
}

/** Each published proof against the anchored roots, verified here. */
export function checkProofs(proofs: readonly PublishedProof[], state: ReplayState, findings: Findings): void {
  proofs.forEach((published, index) => {
    const anchored = state.anchors.get(published.root.toLowerCase());
    if (!anchored) {
      findings.add(
        "anchored_proof",
        `published proof ${index} names root ${published.root}, which was never anchored`,
      );
      return;
    }
    if (!proofVerifies(published.root, published.confirmationHash, published.proof)) {
      findings.add(
        "anchored_proof",
        `published proof ${index} of confirmation ${published.confirmationHash} does not verify against the anchored root`,
        anchored,
      );
    }
  });
}
