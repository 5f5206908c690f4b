/** Plain words for every reason a row is not paid, shown per row to the charity. */
export const ROW_MESSAGES: Record<string, string> = {
  format: "The national ID is not 10 digits.",
  length: "The national ID is not 10 digits.",
  checksum: "The national ID's check digit is wrong.",
  repeated_digits: "The national ID is not a real ID.",
  required: "A required value is missing.",
  not_enrolled: "Nobody with this national ID is enrolled.",
  not_registered: "The household is enrolled but not yet registered on chain; retry after registration.",
  duplicate_in_file: "This household is already listed earlier in the file.",
  amount: "The amount must be a positive number.",
  above_cap: "The amount is above the programme's cap per household and period.",
  HouseholdAlreadyCovered:
    "The household already received this kind of aid in this period, from this or another charity (overlap guard).",
  BeneficiaryIneligible: "The household's recipient is suspended, deceased or not registered on chain.",
  BudgetInsufficient: "The programme's free budget cannot cover this batch; add gifts and retry.",
  ProgrammeIsPaused: "The programme is paused.",
  ProgrammeHasEnded: "The programme has ended.",
  ProgrammeNotStarted: "The programme has not started yet.",
  CharityUnlicensed: "The charity's licence does not cover this programme.",
};

export function rowMessage(code: string | null): string | null {
  if (code === null) return null;
  return ROW_MESSAGES[code] ?? "The chain refused this row.";
}
