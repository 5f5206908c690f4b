// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.28;

import {IERC1155MetadataURI} from "@openzeppelin/contracts/token/ERC1155/extensions/IERC1155MetadataURI.sol";

/// @title Entitlements (one ERC-1155 id per programme and period) and the overlap guard.
/// @notice An entitlement belongs to a household for one period and is stored in the household's
/// coverage record, one storage slot that is both the overlap guard and the balance. Across every
/// programme of an exclusivity group a household holds at most the group's cap of coverages per period,
/// and at most one per programme. A cover of a programme that has ended with nothing redeemed no longer
/// counts: a new cover takes its place if the covers that still count leave room under the cap (which the
/// regulator may have lowered since they were issued). Entitlements cannot be transferred: they are only redeemed with a
/// licensed vendor of the programme, and they expire with their period.
/// The holder is the household's account (`householdAccount`), one per household, which nobody holds a key
/// to: a member's wallet signs receipts for it but holds no balance, so rebinding a wallet or changing a
/// member's status moves nothing. The id is `programmeId << 32 | period` (`entitlementId`): a period's turn
/// changes no balance, the expired id is simply no longer redeemable. Every balance change emits its
/// TransferSingle: mints at issuance and claim, burns at redemption, and a burn when an ended programme's
/// unredeemed cover gives its place in the group to a new one.
interface IEntitlementLedger is IERC1155MetadataURI {
    /// @notice A household's coverage in one programme and period.
    struct Coverage {
        uint256 programmeId;
        uint96 amount;
        uint96 redeemed;
    }

    /// @notice Entitlements move only by redemption.
    error EntitlementNotTransferable();
    /// @notice The batch is empty, too large, or its arrays differ in length.
    error IssuanceBatchInvalid(uint256 size, uint256 max);
    /// @notice The amount is zero or above the programme's cap per period.
    error IssuanceAmountInvalid(uint256 amount, uint96 capPerPeriod);
    /// @notice The programme's free budget cannot back the issuance.
    error BudgetInsufficient(uint256 available, uint256 needed);
    /// @notice The beneficiary is not registered, not active, or not a member of the household.
    error BeneficiaryIneligible(bytes32 beneficiaryRef);
    /// @notice The household already holds this programme's entitlement, or the group's cap, this period.
    error HouseholdAlreadyCovered(uint32 groupId, bytes32 householdRef, uint32 period);
    /// @notice The amount is below the exclusivity group's minimum entitlement.
    error EntitlementBelowGroupMinimum(uint256 amount, uint96 minEntitlement);
    /// @notice No round has this id.
    error RoundUnknown(uint256 roundId);
    /// @notice The round's period is over.
    error RoundExpired(uint256 roundId, uint32 period);
    /// @notice The root is zero or the total is zero.
    error RoundInvalid();
    /// @notice The proof does not match the round's root.
    error ClaimProofInvalid(uint256 roundId, bytes32 beneficiaryRef);
    /// @notice The caller is neither the beneficiary's wallet nor a licensed registrar.
    error ClaimCallerInvalid(address caller);
    /// @notice Claims would exceed the round's published total.
    error RoundOverclaimed(uint256 roundId, uint256 total);

    /// @notice Emitted when a charity publishes a Merkle round of entitlements for the current period.
    event RoundPublished(
        uint256 indexed roundId,
        uint256 indexed programmeId,
        uint32 period,
        bytes32 root,
        uint256 total,
        uint32 count,
        string uri
    );
    /// @notice Emitted when a household's entitlement is claimed from a round (with a TransferSingle mint).
    event RoundClaimed(
        uint256 indexed roundId,
        bytes32 indexed householdRef,
        bytes32 beneficiaryRef,
        uint256 amount
    );

    /// @notice The largest issuance batch.
    function MAX_ISSUE_BATCH() external view returns (uint256);

    /// @notice Issues `amount` to each household in the batch for the current period, through its member.
    /// @dev Requires the programme's licensed charity (admitted to the programme's group, if any), a running
    /// programme, an amount from the group's minimum to the programme's cap, enough free budget, active
    /// members of the named households, and no coverage yet. Emits a TransferSingle mint to each household's
    /// account.
    function issueBatch(
        uint256 programmeId,
        bytes32[] calldata beneficiaryRefs,
        bytes32[] calldata householdRefs,
        uint96 amount
    ) external;

    /// @notice Publishes a Merkle root of `(beneficiaryRef, householdRef, amount)` leaves for the current
    /// period and reserves `total` of the budget; households claim against it.
    /// @dev Requires the programme's licensed charity. The cost does not depend on the round's size.
    /// Emits {RoundPublished}.
    function publishRound(
        uint256 programmeId,
        bytes32 root,
        uint96 total,
        uint32 count,
        string calldata uri
    ) external returns (uint256 roundId);

    /// @notice Claims a household's entitlement from a round, by the beneficiary's wallet or a registrar.
    /// @dev Leaf: `keccak256(bytes.concat(keccak256(abi.encode(beneficiaryRef, householdRef, amount))))`.
    /// Emits {RoundClaimed} and a TransferSingle mint.
    function claim(
        uint256 roundId,
        bytes32 beneficiaryRef,
        bytes32 householdRef,
        uint96 amount,
        bytes32[] calldata proof
    ) external;

    /// @notice The household's coverage by `programmeId` in `period` (zeros if none).
    function coverageOf(
        uint256 programmeId,
        bytes32 householdRef,
        uint32 period
    ) external view returns (uint96 amount, uint96 redeemed);

    /// @notice All coverages a household holds in a group (or in a group-less programme's own scope) in `period`.
    function coveragesInScope(
        uint256 programmeId,
        bytes32 householdRef,
        uint32 period
    ) external view returns (Coverage[] memory);

    /// @notice The ERC-1155 id of a programme's entitlements in `period`: `programmeId << 32 | period`.
    function entitlementId(uint256 programmeId, uint32 period) external pure returns (uint256);

    /// @notice The account that holds a household's entitlements (the same as the registry's).
    function householdAccount(bytes32 householdRef) external pure returns (address);

    /// @notice A round's root, programme, period, total and claimed amount.
    function round(
        uint256 roundId
    ) external view returns (bytes32 root, uint256 programmeId, uint32 period, uint96 total, uint96 claimed);
}
