import { randomUUID, sign, verify, createPublicKey } from "node:crypto";
import { z } from "zod";
import { canonicalJson } from "../../db/idempotency";
import { cachedStatement } from "../../db/statements";
import { recordAccess, type Reader } from "../../households";
import { getOrganisation } from "../../organisations";
import { programmeRow } from "../../programmes";
import { parseInput } from "../../validation";
import { vendorAllowed } from "../chainFacts";
import { freeNonce, periodLength, readEntitlement } from "../entitlement";
import { VendorNotAllowedError } from "../errors";
import type { DeliveryDeps } from "../types";
import { offlineKey } from "./offlineKey";
import { gatewayKeyPair } from "./sealedKeyPair";

export const PACK_SIGNATURE_ALGORITHM = "Ed25519";
/** The most households one pack covers: a counter's round, within one request's time. */
export const MAX_PACK_HOUSEHOLDS = 500;
/** Receipt nonces reserved to a device per household by default, and at most (the period has 32). */
export const DEFAULT_PACK_RECEIPTS = 4;
export const MAX_PACK_RECEIPTS = 8;
/** How long a device may open deliveries from one pack, at most (and never past the nonces' period). */
export const PACK_LIFETIME_SECONDS = 3 * 24 * 3600;

const REF = z.string().regex(/^0x[0-9a-f]{64}$/);
export const offlinePackSchema = z.strictObject({
  programmeId: z.number().int().positive(),
  deviceId: z.string().regex(/^[A-Za-z0-9._:-]{3,64}$/),
  householdRefs: z
    .array(REF)
    .min(1)
    .max(MAX_PACK_HOUSEHOLDS)
    .refine((refs) => new Set(refs).size === refs.length, { message: "must not repeat a household" }),
  receiptsPerHousehold: z.number().int().min(1).max(MAX_PACK_RECEIPTS).default(DEFAULT_PACK_RECEIPTS),
});
export type OfflinePackParams = z.input<typeof offlinePackSchema>;

/** What a device needs to open deliveries on its own: no names, no national IDs, no phone numbers. */
export interface OfflinePackBody {
  version: 1;
  packId: string;
  issuedAt: string;
  /** Open no delivery from this pack after this time; receipts' deadlines must not pass it either. */
  validUntil: string;
  /** The EIP-712 domain's chain id and verifying contract (the ledger). */
  chainId: number;
  ledger: string;
  vendor: string;
  deviceId: string;
  programmeId: number;
  period: number;
  /** The ERC-1155 id of the programme's entitlement this period (`programmeId << 32 | period`). */
  entitlementId: string;
  decimals: number;
  /** The key PINs typed at the device are sealed to. */
  sealingKey: { keyId: string; algorithm: string; publicKey: string };
  households: OfflinePackHousehold[];
}

export interface OfflinePackHousehold {
  householdRef: string;
  /** What the household has left now, base units (as the receipt's `amount`). */
  balance: string;
  /** Receipt nonces reserved to this device: each is used once, by one receipt. */
  nonces: string[];
  /** The members who can accept: their keyed reference, their wallet, and how it signs. */
  members: { beneficiaryRef: string; wallet: string; custody: "self" | "custodial" }[];
}

export interface OfflinePack {
  pack: OfflinePackBody;
  /** Ed25519 over `canonicalJson(pack)` (keys sorted), base64url. */
  signature: string;
  signingKey: { keyId: string; algorithm: typeof PACK_SIGNATURE_ALGORITHM; publicKey: string };
}

/**
 * While online, a vendor's device downloads what it needs to open deliveries with the internet cut: for
 * each household it serves (named by keyed reference, from the household's card) the household's balance
 * in the programme, the members' wallets, and a few receipt nonces reserved to this device alone, plus the
 * key to seal PINs to; signed by the gateway with Ed25519 so the device can check it was not altered.
 * The ledger's replay guard is one of 32 nonce bits per household and period, so nonces cannot be picked
 * at random: each reserved nonce is taken by no online delivery and no other device. A device asking again
 * keeps the nonces it still holds and is topped up. Households unknown, without a wallet, or with nothing
 * left are left out alike; each one included is recorded in the access log (`delivery.offline_pack`).
 */
export async function issueOfflinePack(
  deps: DeliveryDeps,
  reader: Reader & { purpose?: string | null; requestId?: string | null },
  params: OfflinePackParams,
): Promise<OfflinePack> {
  const input = parseInput(offlinePackSchema, params);
  const programme = programmeRow(deps, input.programmeId);
  const vendor = getOrganisation(deps, reader.orgId);
  if (vendor.role !== "vendor" || !(await vendorAllowed(deps, input.programmeId, vendor.address))) {
    throw new VendorNotAllowedError();
  }
  const candidates: { householdRef: string; members: OfflinePackHousehold["members"] }[] = [];
  const entitlements = new Map<string, Awaited<ReturnType<typeof readEntitlement>>>();
  for (const householdRef of input.householdRefs) {
    const members = walletMembers(deps, householdRef);
    if (members.length === 0) continue;
    const entitlement = await readEntitlement(deps, input.programmeId, householdRef);
    if (entitlement.remaining === 0n) continue;
    entitlements.set(householdRef, entitlement);
    candidates.push({ householdRef, members });
  }
  const now = deps.now();
  const nowSeconds = Math.floor(now.getTime() / 1000);
  const period = entitlements.values().next().value?.period ?? periodOf(deps, input.programmeId, nowSeconds);
  const periodEnd = (period + 1) * periodLength(deps, input.programmeId);
  const validUntil = Math.min(nowSeconds + PACK_LIFETIME_SECONDS, periodEnd);
  const packId = `opack_${randomUUID()}`;
  const households: OfflinePackHousehold[] = [];

  deps.db.transaction(() => {
    cachedStatement(
      deps.db,
      `INSERT INTO offline_packs (pack_id, vendor_org_id, device_id, programme_id, period, households, issued_at,
         valid_until) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
    ).run(
      packId,
      reader.orgId,
      input.deviceId,
      input.programmeId,
      period,
      candidates.length,
      now.toISOString(),
      new Date(validUntil * 1000).toISOString(),
    );
    for (const { householdRef, members } of candidates) {
      const entitlement = entitlements.get(householdRef)!;
      if (entitlement.period !== period) continue;
      const nonces = reservedNonces(
        deps,
        reader.orgId,
        input.deviceId,
        input.programmeId,
        householdRef,
        period,
      );
      while (nonces.length < input.receiptsPerHousehold) {
        const nonce = freeNonce(deps, input.programmeId, householdRef, period, entitlement.usedNonces);
        if (nonce === undefined) break;
        cachedStatement(
          deps.db,
          `INSERT INTO offline_nonce_reservations (programme_id, household_ref, nonce, period, vendor_org_id,
             device_id, pack_id, reserved_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
        ).run(
          input.programmeId,
          householdRef,
          nonce.toString(),
          period,
          reader.orgId,
          input.deviceId,
          packId,
          now.toISOString(),
        );
        nonces.push(nonce.toString());
      }
      if (nonces.length === 0) continue;
      households.push({ householdRef, balance: entitlement.remaining.toString(), nonces, members });
      recordAccess(deps.db, {
        reader: { keyId: reader.keyId, orgId: reader.orgId, role: reader.role },
        action: "delivery.offline_pack",
        subject: householdRef,
        grounds: `vendor:${input.programmeId}`,
        purpose: reader.purpose ?? null,
        requestId: reader.requestId ?? null,
        now: deps.now,
      });
    }
  })();

  const sealing = offlineKey({ db: deps.db, keystoreKeys: deps.wallets.keystoreKeys });
  const pack: OfflinePackBody = {
    version: 1,
    packId,
    issuedAt: now.toISOString(),
    validUntil: new Date(validUntil * 1000).toISOString(),
    chainId: deps.chainId,
    ledger: deps.ledgerAddress.toLowerCase(),
    vendor: vendor.address.toLowerCase(),
    deviceId: input.deviceId,
    programmeId: programme.programme_id,
    period,
    entitlementId: ((BigInt(input.programmeId) << 32n) | BigInt(period)).toString(),
    decimals: deps.decimals,
    sealingKey: {
      keyId: sealing.keyId,
      algorithm: sealing.algorithm,
      publicKey: sealing.publicKey.toString("base64url"),
    },
    households,
  };
  const signing = packSigningKey(deps);
  return {
    pack,
    signature: sign(null, Buffer.from(canonicalJson(pack)), signing.privateKey).toString("base64url"),
    signingKey: {
      keyId: signing.keyId,
      algorithm: PACK_SIGNATURE_ALGORITHM,
      publicKey: signing.publicKey.toString("base64url"),
    },
  };
}

/** What a device does before trusting a pack: the signature over its canonical JSON, by the key it pinned. */
export function verifyOfflinePack(pack: OfflinePackBody, signature: string, publicKey: string): boolean {
  const key = createPublicKey({ key: { kty: "OKP", crv: "Ed25519", x: publicKey }, format: "jwk" });
  return verify(null, Buffer.from(canonicalJson(pack)), key, Buffer.from(signature, "base64url"));
}

/** The gateway's Ed25519 key that signs offline packs, made on first use, sealed in `offline_pack_keys`. */
export function packSigningKey(deps: Pick<DeliveryDeps, "db" | "wallets">) {
  return gatewayKeyPair(
    { db: deps.db, keystoreKeys: deps.wallets.keystoreKeys },
    { curve: "Ed25519", table: "offline_pack_keys", idPrefix: "opk" },
  );
}

/** The household's active members with an active wallet, head first. */
function walletMembers(
  deps: Pick<DeliveryDeps, "db">,
  householdRef: string,
): OfflinePackHousehold["members"] {
  return cachedStatement(
    deps.db,
    `SELECT m.beneficiary_ref AS beneficiaryRef, w.address AS wallet, w.custody AS custody
       FROM members m JOIN households h ON h.household_ref = m.household_ref
       JOIN wallet_bindings w ON w.beneficiary_ref = m.beneficiary_ref
      WHERE m.household_ref = ? AND h.status = 'active' AND w.status = 'active'
      ORDER BY m.role = 'head' DESC, m.created_at, m.beneficiary_ref`,
  )
    .all(householdRef)
    .map((row) => {
      const member = row as OfflinePackHousehold["members"][number];
      return { ...member, wallet: member.wallet.toLowerCase() };
    });
}

/** The nonces already reserved to this device for the household this period that no delivery has used. */
function reservedNonces(
  deps: Pick<DeliveryDeps, "db">,
  vendorOrgId: string,
  deviceId: string,
  programmeId: number,
  householdRef: string,
  period: number,
): string[] {
  return cachedStatement(
    deps.db,
    `SELECT r.nonce FROM offline_nonce_reservations r
      WHERE r.vendor_org_id = ? AND r.device_id = ? AND r.programme_id = ? AND r.household_ref = ? AND r.period = ?
        AND NOT EXISTS (SELECT 1 FROM deliveries d
                         WHERE d.programme_id = r.programme_id AND d.household_ref = r.household_ref
                           AND d.nonce = r.nonce)
      ORDER BY CAST(r.nonce AS INTEGER)`,
    "pluck",
  ).all(vendorOrgId, deviceId, programmeId, householdRef, period) as string[];
}

function periodOf(deps: Pick<DeliveryDeps, "db">, programmeId: number, nowSeconds: number): number {
  return Math.floor(nowSeconds / periodLength(deps, programmeId));
}
