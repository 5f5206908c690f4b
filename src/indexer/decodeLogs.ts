import type { Interface, Log, Result } from "ethers";
import type { AidSystem } from "../../deploy/system";
import { parseLog } from "../chain/parseLog";

/** A contract log the indexer understood: which contract, which event, its arguments as JSON values. */
export interface DecodedEvent {
  txHash: string;
  logIndex: number;
  blockNumber: number;
  blockHash: string;
  contract: FollowedContract;
  name: string;
  args: Record<string, JsonValue>;
}

export type JsonValue = string | number | boolean | null | JsonValue[];

/** The contracts followed: the ledger (gifts, entitlements, redemptions), anchors, registry and licences. */
export const FOLLOWED = ["ledger", "anchor", "registry", "licences", "auditLog"] as const;
export type FollowedContract = (typeof FOLLOWED)[number];

export interface ContractMap {
  addresses: string[];
  decode(log: Log): DecodedEvent | null;
}

export function contractMap(system: AidSystem): ContractMap {
  const byAddress = new Map<string, { contract: FollowedContract; iface: Interface }>();
  for (const contract of FOLLOWED) {
    const handle = system[contract];
    byAddress.set((handle.target as string).toLowerCase(), { contract, iface: handle.interface });
  }
  return {
    addresses: [...byAddress.keys()],
    decode(log) {
      const known = byAddress.get(log.address.toLowerCase());
      if (!known) return null;
      const parsed = parseLog(known.iface, log);
      // An event of an interface this build does not know (a newer contract) is skipped, not guessed.
      if (!parsed) return null;
      const args: Record<string, JsonValue> = {};
      parsed.fragment.inputs.forEach((input, index) => {
        args[input.name || `arg${index}`] = toJson(parsed.args[index]);
      });
      return {
        txHash: log.transactionHash,
        logIndex: log.index,
        blockNumber: log.blockNumber,
        blockHash: log.blockHash,
        contract: known.contract,
        name: parsed.name,
        args,
      };
    },
  };
}

function toJson(value: unknown): JsonValue {
  if (typeof value === "bigint") return value.toString();
  if (typeof value === "string" || typeof value === "boolean" || typeof value === "number") return value;
  if (Array.isArray(value)) return (value as Result).map(toJson);
  return value === null || value === undefined ? null : String(value);
}
