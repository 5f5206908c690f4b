import { dataSlice, keccak256 } from "ethers";

/**
 * The household's keyless token holder, as the contracts derive it (`householdAccountOf`,
 * contracts/types/HouseholdAccounts.sol): the low 160 bits of keccak256(householdRef), lower case, as the
 * indexer stores accounts.
 */
export function householdAccount(householdRef: string): string {
  return dataSlice(keccak256(householdRef), 12).toLowerCase();
}
