import type { DecodedRevert } from "../chain/decodeRevert";
import { AppError } from "../errors";

/** How the API answers one custom error of the contracts: its status, the input field at fault, and why. */
export interface ChainRefusal {
  status: number;
  field?: string;
  message: string;
}

/**
 * Every custom error a caller of the gift and programme routes can meet, in plain words. The contract's
 * error name is the refusal's `code`, so a client can tell `GiftTooSmall` from `ERC20InsufficientBalance`
 * without parsing the message; an error missing here still answers 409 with its name as the code.
 */
export const CHAIN_REFUSALS: Readonly<Record<string, ChainRefusal>> = {
  // Gifts
  GiftTooSmall: { status: 400, field: "amount", message: "The gift is below the programme's minimum gift." },
  GiftTooLarge: { status: 400, field: "amount", message: "The gift is larger than the ledger can hold." },
  ERC20InsufficientBalance: {
    status: 409,
    field: "amount",
    message: "The giving wallet does not hold this many tokens.",
  },
  ERC20InsufficientAllowance: {
    status: 409,
    field: "amount",
    message: "The ledger is not allowed to move this many tokens from the giving wallet.",
  },
  ReallocationTargetInvalid: {
    status: 400,
    field: "reallocateToProgrammeId",
    message:
      "The programme to reallocate to is unknown, is this same programme, or settles in another token.",
  },
  ProgrammeCharityOnly: {
    status: 403,
    field: "programmeId",
    message: "Only the programme's own charity records cash gifts for it.",
  },
  DonorRefZero: { status: 400, field: "donorReference", message: "A recorded gift needs a donor reference." },
  TokenTransferMismatch: {
    status: 409,
    message: "The token moved a different amount than asked; fee-on-transfer tokens are not supported.",
  },
  ProgrammeUnknown: { status: 404, field: "programmeId", message: "No programme has this id on chain." },
  ProgrammeHasEnded: { status: 409, field: "programmeId", message: "The programme has ended." },
  ProgrammeIsPaused: { status: 409, field: "programmeId", message: "The programme is paused." },
  ProgrammeNotStarted: { status: 409, field: "programmeId", message: "The programme has not started yet." },
  // Programme creation
  CharityUnlicensed: {
    status: 403,
    field: "category",
    message: "The charity's licence does not cover this layer and category.",
  },
  LicenceRevoked: { status: 403, message: "The organisation's licence was revoked." },
  LicenceStatusInvalid: { status: 403, message: "The organisation's licence is not active." },
  ProgrammeWindowInvalid: {
    status: 400,
    field: "endsAt",
    message: "The programme must end after it starts, and in the future.",
  },
  ProgrammePeriodInvalid: {
    status: 400,
    field: "periodDays",
    message: "The period must be positive and, in an exclusivity group, equal to the group's period.",
  },
  ProgrammeLimitsInvalid: {
    status: 400,
    field: "minGift",
    message:
      "The cap per period and the minimum gift must be positive, and the minimum more than a 64th of the cap.",
  },
  ProgrammeTokenZero: { status: 409, message: "The gateway has no settlement token configured." },
  ProgrammeVendorsTooMany: {
    status: 400,
    field: "vendorOrgIds",
    message: "The programme lists more vendors than the ledger takes at creation.",
  },
  ExclusivityGroupUnknown: {
    status: 400,
    field: "exclusivityGroupId",
    message: "No exclusivity group has this id.",
  },
  ExclusivityGroupInvalid: {
    status: 400,
    field: "exclusivityGroupId",
    message: "The exclusivity group does not accept this programme.",
  },
  // Exclusivity-group admission and programme pause (the regulator's writes).
  ExclusivityGroupAdmissionUnchanged: {
    status: 409,
    field: "charityOrgIds",
    message: "A charity named is already in the state asked (admitted, or not admitted) in this group.",
  },
  ProgrammePauseUnchanged: {
    status: 409,
    field: "paused",
    message: "The programme is already in this state (a regulator's pause counts once).",
  },
  ProgrammePausedByRegulator: {
    status: 409,
    field: "paused",
    message: "The regulator paused this programme: only a regulator lifts it.",
  },
  RegulatorOnly: { status: 403, message: "Only the regulator may do this on chain." },
  ProgrammeCharityOrRegulatorOnly: {
    status: 403,
    field: "programmeId",
    message: "Only the programme's charity or the regulator may do this.",
  },
  // The gateway's own reasons a write could not be sent.
  SignerUnavailable: { status: 409, message: "The gateway holds no signing key for this organisation." },
};

const UNNAMED: ChainRefusal = { status: 409, message: "The chain refused the request." };

/**
 * A write the chain refuses, in the API's one error shape: `name` is `ChainRefusedError`, `code` the
 * contract's custom error, `message` what it means and `field` the input at fault. The decoded arguments
 * (amounts, ids, addresses; never personal data) are kept for logs and tests.
 */
export class ChainRefusedError extends AppError {
  readonly revert: DecodedRevert;

  constructor(revert: DecodedRevert) {
    const refusal = CHAIN_REFUSALS[revert.name] ?? UNNAMED;
    super("ChainRefusedError", refusal.status, refusal.message, refusal.field, revert.name);
    this.revert = revert;
  }
}
