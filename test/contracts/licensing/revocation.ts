import { time } from "@nomicfoundation/hardhat-network-helpers";
import type { ContractRunner } from "ethers";
import type { LicenceRegistry } from "../../../typechain-types";

/**
 * Revokes a licence for good the slow way a lone regulator can: `regulator` proposes, the delay runs out
 * and `finaliser` (anyone) finalises. Returns the timestamp at which the revocation became final.
 */
export async function revokeForGood(
  licences: LicenceRegistry,
  regulator: ContractRunner,
  holder: string,
  kind: number,
  reason: string,
  finaliser: ContractRunner = regulator,
): Promise<bigint> {
  await licences.connect(regulator).revokeLicence(holder, kind, reason);
  const { finalAt } = await licences.pendingRevocationOf(holder, kind);
  await time.increaseTo(finalAt);
  await licences.connect(finaliser).finaliseRevocation(holder, kind);
  return finalAt;
}
