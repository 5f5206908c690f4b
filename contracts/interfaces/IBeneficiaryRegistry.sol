// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.28;

import {BeneficiaryStatus} from "../types/AidTypes.sol";

/// @title Registry of pseudonymous beneficiaries and their wallets.
/// @notice `beneficiaryRef` and `householdRef` are keyed HMACs computed by the gateway; no personal data
/// is ever written here. Each beneficiary ref binds one wallet and each wallet one ref. A licensed
/// registrar registers, rebinds lost wallets and changes status; the history stays in events.
///
/// Receipts signed by a replaced wallet. A delivery receipt is signed offline and may reach the chain days
/// later, so a rebind would void receipts the household signed honestly with its previous wallet. The
/// registry therefore remembers, per beneficiary, the wallet the latest rebind replaced and when (a slot
/// written by rebinds only; registration does not touch it). After {rebindWallet} (a lost or replaced
/// wallet) the ledger still accepts a receipt approved by that previous wallet (ECDSA, or ERC-1271 for a
/// contract wallet) if the receipt's deadline is at most `PREVIOUS_WALLET_RECEIPT_GRACE` after the rebind,
/// the beneficiary is active in the receipt's household, and the previous wallet is not bound to anyone
/// again. {rebindWalletCompromised} (a stolen or compromised wallet) gives no grace, and
/// {voidPreviousWalletReceipts} ends a grace early when a theft is discovered after the rebind. Only the
/// wallet replaced by the latest rebind is remembered: a second rebind ends the first one's grace.
///
/// Exposure that remains: until the grace ends (at most `PREVIOUS_WALLET_RECEIPT_GRACE` after a "lost"
/// rebind) or a registrar voids it, whoever holds the lost wallet can still sign receipts for the household,
/// up to its remaining entitlement in the periods the grace spans, as they could before the rebind. A
/// receipt the previous wallet signed with a later deadline is refused, even an honest one. The receipt
/// nonce stops one receipt being redeemed twice; two receipts signed with one nonce (by the old and the new
/// wallet, or twice by one wallet) are an equivocation by the household: the first redeemed wins and the
/// vendor holding the other is refused with `ReceiptNonceUsed`.
interface IBeneficiaryRegistry {
    /// @notice One registration: a person, their household and the wallet they control.
    struct Registration {
        bytes32 beneficiaryRef;
        bytes32 householdRef;
        address wallet;
    }

    /// @notice The caller is not an active licensed registrar.
    error RegistrarUnauthorized(address caller);
    /// @notice The batch is empty or larger than `MAX_BATCH`.
    error RegistrationBatchSize(uint256 size, uint256 max);
    /// @notice A ref or a wallet is zero.
    error RegistrationInvalid(bytes32 beneficiaryRef);
    /// @notice The beneficiary ref is already registered.
    error BeneficiaryAlreadyRegistered(bytes32 beneficiaryRef);
    /// @notice The wallet is already bound to another beneficiary.
    error WalletAlreadyBound(address wallet);
    /// @notice The beneficiary ref is not registered.
    error BeneficiaryUnknown(bytes32 beneficiaryRef);
    /// @notice The status change is not allowed (unknown target, no change, or the beneficiary is deceased).
    error BeneficiaryStatusInvalid(bytes32 beneficiaryRef, BeneficiaryStatus status);
    /// @notice The beneficiary has no previous wallet whose receipts are still accepted: never rebound, or
    /// rebound as compromised, or voided already.
    error PreviousWalletNone(bytes32 beneficiaryRef);

    /// @notice Emitted for each new beneficiary.
    event BeneficiaryRegistered(
        bytes32 indexed beneficiaryRef,
        bytes32 indexed householdRef,
        address indexed wallet
    );
    /// @notice Emitted when a registrar rebinds a lost or replaced wallet.
    event WalletRebound(
        bytes32 indexed beneficiaryRef,
        address indexed previousWallet,
        address indexed newWallet,
        bytes32 reason
    );
    /// @notice Emitted by {rebindWallet}: receipts signed by `previousWallet` with a deadline up to
    /// `graceEndsAt` stay redeemable.
    event PreviousWalletGraceStarted(
        bytes32 indexed beneficiaryRef,
        address indexed previousWallet,
        uint256 graceEndsAt
    );
    /// @notice Emitted when receipts signed by `previousWallet` stop being accepted: a rebind reported as
    /// compromise ({rebindWalletCompromised}) or a later void ({voidPreviousWalletReceipts}).
    event PreviousWalletVoided(
        bytes32 indexed beneficiaryRef,
        address indexed previousWallet,
        bytes32 reason
    );
    /// @notice Emitted when a beneficiary's status changes.
    event BeneficiaryStatusChanged(
        bytes32 indexed beneficiaryRef,
        BeneficiaryStatus previousStatus,
        BeneficiaryStatus newStatus
    );

    /// @notice The largest batch `registerBatch` accepts.
    function MAX_BATCH() external view returns (uint256);

    /// @notice How long after a {rebindWallet} the receipts signed by the previous wallet stay redeemable (by
    /// their deadline): 7 days, the longest receipt lifetime the gateway's custodial signer accepts, so any
    /// receipt it could have signed before the rebind is still honoured, while a finder of a lost phone
    /// cannot sign usable receipts for longer than a week.
    function PREVIOUS_WALLET_RECEIPT_GRACE() external view returns (uint256);

    /// @notice Registers a batch of beneficiaries, all active.
    /// @dev Requires an active registrar licence. Reverts on any zero field, known ref or bound wallet;
    /// nothing of the batch is written then. Emits {BeneficiaryRegistered} per entry.
    function registerBatch(Registration[] calldata registrations) external;

    /// @notice Binds a beneficiary to a new wallet, releasing the old one, which was lost or replaced: receipts
    /// it signed stay redeemable up to `PREVIOUS_WALLET_RECEIPT_GRACE` after now (see the contract notice).
    /// @dev Requires an active registrar licence, a known, non-deceased ref and an unbound wallet.
    /// Entitlements follow automatically because they are held per household. Replaces any earlier previous
    /// wallet. Emits {WalletRebound} and {PreviousWalletGraceStarted}.
    function rebindWallet(bytes32 beneficiaryRef, address newWallet, bytes32 reason) external;

    /// @notice Binds a beneficiary to a new wallet because the old one was stolen or compromised: no receipt
    /// signed by the old wallet (or an earlier one) is accepted any more.
    /// @dev Requires what {rebindWallet} requires. Emits {WalletRebound} and {PreviousWalletVoided}.
    function rebindWalletCompromised(bytes32 beneficiaryRef, address newWallet, bytes32 reason) external;

    /// @notice Stops accepting receipts signed by the beneficiary's previous wallet, e.g. when a wallet rebound
    /// as lost turns out to be stolen.
    /// @dev Requires an active registrar licence and a previous wallet on record ({PreviousWalletNone}
    /// otherwise), even one whose grace has ended. Emits {PreviousWalletVoided}.
    function voidPreviousWalletReceipts(bytes32 beneficiaryRef, bytes32 reason) external;

    /// @notice Sets a beneficiary's status (active, suspended or deceased).
    /// @dev Requires an active registrar licence; `Deceased` is final. Emits {BeneficiaryStatusChanged}.
    function setStatus(bytes32 beneficiaryRef, BeneficiaryStatus status) external;

    /// @notice The wallet, status and household tag of a beneficiary (zeros if unknown).
    function beneficiary(
        bytes32 beneficiaryRef
    ) external view returns (address wallet, BeneficiaryStatus status, uint88 householdTag);

    /// @notice The household whose member controls `wallet` (zero if the wallet is unbound).
    function householdOf(address wallet) external view returns (bytes32 householdRef);

    /// @notice The wallet the latest {rebindWallet} replaced, whose receipts the ledger still accepts, and
    /// the latest receipt deadline accepted from it: `PREVIOUS_WALLET_RECEIPT_GRACE` after the rebind, also
    /// once passed. Zeros if none is on record (never rebound, rebound as compromised, or voided) or the
    /// wallet is bound to someone again. The ledger asks only when the beneficiary is active in the
    /// receipt's household.
    function previousWalletGrace(
        bytes32 beneficiaryRef
    ) external view returns (address wallet, uint256 graceEndsAt);

    /// @notice The 88-bit tag a household ref is stored under: the low bits of its keccak hash.
    function householdTag(bytes32 householdRef) external pure returns (uint88);

    /// @notice The wallet of an active beneficiary that belongs to `householdRef`, or zero otherwise.
    function activeWalletIn(bytes32 beneficiaryRef, bytes32 householdRef) external view returns (address);

    /// @notice The household's account: the one address that holds the household's entitlements (ERC-1155),
    /// whichever member's wallet signs for it. It is the low 160 bits of `keccak256(abi.encode(householdRef))`
    /// (whose low 88 bits are the household tag): nobody holds its key, and it never changes with a rebind.
    function householdAccount(bytes32 householdRef) external pure returns (address);

    /// @notice For each pair, the household's account if the beneficiary is active and belongs to the
    /// household, zero otherwise, in one call: a batch issuance pays one call, not one per household.
    /// @dev Reverts with `RegistrationBatchSize` if the arrays differ in length.
    function activeHouseholdsIn(
        bytes32[] calldata beneficiaryRefs,
        bytes32[] calldata householdRefs
    ) external view returns (address[] memory accounts);
}
