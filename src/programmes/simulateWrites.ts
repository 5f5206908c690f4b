import { toQuantity, type Interface } from "ethers";
import { LicenceRegistry__factory, TestSettlementToken__factory } from "../../typechain-types";
import { decodeRevert } from "../chain/decodeRevert";
import { ChainRefusedError } from "./chainRefusals";
import type { ProgrammeDeps } from "./types";

/** One write as the outbox would send it. */
export interface PlannedWrite {
  to: string;
  data: string;
}

interface SimulatedCall {
  status: string;
  returnData?: string;
  error?: { data?: string; message?: string };
}

interface RpcSender {
  send(method: string, params: unknown[]): Promise<unknown>;
}

/**
 * Runs `writes` in order from `from` against the chain's latest state (`eth_simulateV1`: one simulated
 * block, nothing signed or sent) and throws the first refusal as a `ChainRefusedError`. The caller
 * validates this way before queueing anything, so a refused request leaves no job row and no mined
 * `approve`. A node without `eth_simulateV1` skips the check; the outbox's gas estimate still refuses.
 */
export async function refuseWhatTheChainWould(
  deps: ProgrammeDeps,
  from: string,
  writes: readonly PlannedWrite[],
): Promise<void> {
  const provider = deps.system.ledger.runner?.provider as Partial<RpcSender> | null | undefined;
  if (!provider || typeof provider.send !== "function") return;
  let blocks: { calls: SimulatedCall[] }[];
  try {
    // The simulated block is timed as the write's own block will be: now, or just after the latest block
    // (an idle embedded chain's latest block can be minutes old, and programmes end by the clock).
    const latest = (await provider.send("eth_getBlockByNumber", ["latest", false])) as { timestamp: string };
    const time = Math.max(Number(BigInt(latest.timestamp)) + 1, Math.floor(deps.now().getTime() / 1000));
    const calls = writes.map((write) => ({ from, to: write.to, data: write.data }));
    blocks = (await provider.send("eth_simulateV1", [
      { blockStateCalls: [{ blockOverrides: { time: toQuantity(time) }, calls }] },
      "latest",
    ])) as { calls: SimulatedCall[] }[];
  } catch (error) {
    if (methodMissing(error)) return;
    throw error;
  }
  for (const call of blocks[0]?.calls ?? []) {
    if (call.status === "0x1") continue;
    const data = call.error?.data ?? call.returnData ?? "0x";
    throw new ChainRefusedError(
      decodeRevert({ data }, [deps.system.ledger.interface as unknown as Interface, ...INTERFACES]) ?? {
        name: "Reverted",
        args: [],
      },
    );
  }
}

const INTERFACES = [
  TestSettlementToken__factory.createInterface(),
  LicenceRegistry__factory.createInterface(),
] as unknown as Interface[];

function methodMissing(error: unknown): boolean {
  const text = String((error as { message?: string })?.message ?? error).toLowerCase();
  return text.includes("method not found") || text.includes("not supported") || text.includes("-32601");
}
