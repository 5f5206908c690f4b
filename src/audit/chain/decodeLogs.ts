import { id, type EventFragment, type Interface } from "ethers";
import {
  AidLedger__factory,
  AuditLog__factory,
  BeneficiaryRegistry__factory,
  LicenceRegistry__factory,
  PremiumMandates__factory,
  ReceiptAnchor__factory,
} from "../../../typechain-types";
import type { AuditedContract, ChainEvent } from "../types";
import { hexToNumber } from "./rpc";

/** A log as `eth_getLogs` returns it. */
export interface RawLog {
  address: string;
  topics: string[];
  data: string;
  blockNumber: string;
  transactionHash: string;
  logIndex: string;
  /** The block's time, where the node gives it with each log. */
  blockTimestamp?: string;
  removed?: boolean;
}

const INTERFACES: Record<AuditedContract, Interface> = {
  ledger: AidLedger__factory.createInterface(),
  registry: BeneficiaryRegistry__factory.createInterface(),
  licences: LicenceRegistry__factory.createInterface(),
  anchor: ReceiptAnchor__factory.createInterface(),
  auditLog: AuditLog__factory.createInterface(),
  mandates: PremiumMandates__factory.createInterface(),
};

const TRANSFER_SINGLE = id("TransferSingle(address,address,address,uint256,uint256)");
const DELIVERY_REDEEMED = id(
  "DeliveryRedeemed(bytes32,uint256,bytes32,bytes32,address,uint256,bytes32,address)",
);
const GIFT_SPENT = id("GiftSpent(uint256,uint256,uint256,uint8,bytes32)");
const BENEFICIARY_REGISTERED = id("BeneficiaryRegistered(bytes32,bytes32,address)");

const word = (data: string, index: number): string => `0x${data.slice(2 + index * 64, 66 + index * 64)}`;
const wordAddress = (hex: string): string => `0x${hex.slice(-40)}`;

/**
 * The three events a redemption emits (a burn, the redemption, a piece per gift lot) and the registration
 * of each beneficiary are most of a ledger's logs; they are read word by word here, which is many times cheaper than the general ABI decoder that reads
 * every other event.
 */
function decodeHot(topic: string, log: RawLog): [string, Record<string, unknown>] | undefined {
  const { topics, data } = log;
  if (topic === TRANSFER_SINGLE) {
    return [
      "TransferSingle",
      {
        operator: wordAddress(topics[1]!),
        from: wordAddress(topics[2]!),
        to: wordAddress(topics[3]!),
        id: BigInt(word(data, 0)),
        value: BigInt(word(data, 1)),
      },
    ];
  }
  if (topic === DELIVERY_REDEEMED) {
    return [
      "DeliveryRedeemed",
      {
        redemptionId: topics[1]!,
        programmeId: BigInt(topics[2]!),
        householdRef: topics[3]!,
        beneficiaryRef: word(data, 0),
        vendor: wordAddress(word(data, 1)),
        amount: BigInt(word(data, 2)),
        evidenceHash: word(data, 3),
        fieldAgent: wordAddress(word(data, 4)),
      },
    ];
  }
  if (topic === BENEFICIARY_REGISTERED) {
    return [
      "BeneficiaryRegistered",
      { beneficiaryRef: topics[1]!, householdRef: topics[2]!, wallet: wordAddress(topics[3]!) },
    ];
  }
  if (topic === GIFT_SPENT) {
    return [
      "GiftSpent",
      {
        giftId: BigInt(topics[1]!),
        programmeId: BigInt(topics[2]!),
        amount: BigInt(word(data, 0)),
        kind: BigInt(word(data, 1)),
        ref: word(data, 2),
      },
    ];
  }
  return undefined;
}

const fragments = new Map<string, EventFragment | null>();

/** The event of `source`'s ABI with this topic, looked up once: ethers hashes every event's signature per lookup. */
function eventOf(source: AuditedContract, topic: string): EventFragment | null {
  const key = `${source}:${topic}`;
  let fragment = fragments.get(key);
  if (fragment === undefined) {
    fragment = INTERFACES[source].getEvent(topic);
    fragments.set(key, fragment);
  }
  return fragment;
}

/** Decodes one log of `source`, or undefined for a log of no known event (which the audit counts, not trusts). */
export function decodeLog(source: AuditedContract, log: RawLog, timestamp: number): ChainEvent | undefined {
  const topic = log.topics[0];
  if (topic === undefined) return undefined;
  let decoded = source === "ledger" || source === "registry" ? decodeHot(topic, log) : undefined;
  if (!decoded) {
    const fragment = eventOf(source, topic);
    if (!fragment || fragment.anonymous) return undefined;
    const values = INTERFACES[source].decodeEventLog(fragment, log.data, log.topics);
    const args: Record<string, unknown> = {};
    fragment.inputs.forEach((input, index) => {
      const value = values[index] as unknown;
      args[input.name] = typeof value === "string" && value.length === 42 ? value.toLowerCase() : value;
    });
    decoded = [fragment.name, args];
  }
  return {
    source,
    name: decoded[0],
    args: decoded[1],
    txHash: log.transactionHash,
    logIndex: hexToNumber(log.logIndex),
    blockNumber: hexToNumber(log.blockNumber),
    timestamp,
  };
}
