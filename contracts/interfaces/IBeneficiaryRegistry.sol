// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.28;

import {BeneficiaryStatus} from "../types/AidTypes.sol";

/// @title Registry of pseudonymous beneficiaries and their wallets.
/// @notice `beneficiaryRef` and `householdRef` are keyed HMACs computed by the gateway; no personal data
/// is ever written here. Each beneficiary ref binds one wallet and each wallet one ref. A licensed
/// registrar registers, rebinds lost wallets and changes status; the history stays in events.
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
    /// @notice Emitted when a beneficiary's status changes.
    event BeneficiaryStatusChanged(
        bytes32 indexed beneficiaryRef,
        BeneficiaryStatus previousStatus,
        BeneficiaryStatus newStatus
    );

    /// @notice The largest batch `registerBatch` accepts.
    function MAX_BATCH() external view returns (uint256);

    /// @notice Registers a batch of beneficiaries, all active.
    /// @dev Requires an active registrar licence. Reverts on any zero field, known ref or bound wallet;
    /// nothing of the batch is written then. Emits {BeneficiaryRegistered} per entry.
    function registerBatch(Registration[] calldata registrations) external;

    /// @notice Binds a beneficiary to a new wallet, releasing the old one.
    /// @dev Requires an active registrar licence, a known, non-deceased ref and an unbound wallet.
    /// Entitlements follow automatically because they are held per household. Emits {WalletRebound}.
    function rebindWallet(bytes32 beneficiaryRef, address newWallet, bytes32 reason) external;

    /// @notice Sets a beneficiary's status (active, suspended or deceased).
    /// @dev Requires an active registrar licence; `Deceased` is final. Emits {BeneficiaryStatusChanged}.
    function setStatus(bytes32 beneficiaryRef, BeneficiaryStatus status) external;

    /// @notice The wallet, status and household tag of a beneficiary (zeros if unknown).
    function beneficiary(
        bytes32 beneficiaryRef
    ) external view returns (address wallet, BeneficiaryStatus status, uint88 householdTag);

    /// @notice The household whose member controls `wallet` (zero if the wallet is unbound).
    function householdOf(address wallet) external view returns (bytes32 householdRef);

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
