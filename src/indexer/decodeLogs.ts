import type { AidSystem } from "../../deploy/system";
import { hexToNumber, type RawLog } from "../chain/jsonRpc";
import { logDecoder, type JsonValue, type LogDecoder } from "../chain/logDecoder";

export type { JsonValue } from "../chain/logDecoder";

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

/**
 * The contracts followed: the ledger (gifts, entitlements, redemptions), anchors, registry, licences, the
 * audit log, the time bank (members' wallets, confirmed services) and the premium mandates (revocations).
 */
export const FOLLOWED = [
  "ledger",
  "anchor",
  "registry",
  "licences",
  "auditLog",
  "timeBank",
  "mandates",
] as const;
export type FollowedContract = (typeof FOLLOWED)[number];

export interface ContractMap {
  addresses: string[];
  decode(log: RawLog): DecodedEvent | null;
}

export function contractMap(system: AidSystem): ContractMap {
  const byAddress = new Map<string, { contract: FollowedContract; decode: LogDecoder }>();
  for (const contract of FOLLOWED) {
    const handle = system[contract];
    byAddress.set((handle.target as string).toLowerCase(), {
      contract,
      decode: logDecoder(handle.interface),
    });
  }
  return {
    addresses: [...byAddress.keys()],
    decode(log) {
      const known = byAddress.get(log.address.toLowerCase());
      if (!known) return null;
      // An event of an interface this build does not know (a newer contract) is skipped, not guessed.
      const decoded = known.decode(log.topics, log.data);
      if (!decoded) return null;
      return {
        txHash: log.transactionHash,
        logIndex: hexToNumber(log.logIndex),
        blockNumber: hexToNumber(log.blockNumber),
        blockHash: log.blockHash,
        contract: known.contract,
        name: decoded.name,
        args: decoded.args,
      };
    },
  };
}
