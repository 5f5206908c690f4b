// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.28;

import {IBeneficiaryRegistry} from "../interfaces/IBeneficiaryRegistry.sol";
import {ILicenceRegistry} from "../interfaces/ILicenceRegistry.sol";
import {BeneficiaryStatus, LicenceKind} from "../types/AidTypes.sol";
import {householdAccountOf} from "../types/HouseholdAccounts.sol";

/// @title BeneficiaryRegistry
/// @notice Two storage slots per beneficiary, the floor for a binding that is unique in both directions:
/// `ref => wallet | status | householdTag` and `wallet => householdRef`. A third, `ref => previous wallet`, is
/// written by a rebind only, so registration costs what it did. The via-IR dispatcher tests selectors in
/// ascending order: the rebind functions' names give selectors above those of `activeWalletIn`,
/// `activeWalletsIn` and `householdOf`, so the lookups of every redemption and issuance cost what they did.
contract BeneficiaryRegistry is IBeneficiaryRegistry {
    /// @inheritdoc IBeneficiaryRegistry
    /// @dev 300 registrations use about 14.6M gas, inside the 16,777,216 per-transaction cap of EIP-7825 (Osaka).
    uint256 public constant MAX_BATCH = 300;

    /// @inheritdoc IBeneficiaryRegistry
    uint256 public constant PREVIOUS_WALLET_RECEIPT_GRACE = 7 days;

    uint256 private constant _STATUS_SHIFT = 160;
    uint256 private constant _TAG_SHIFT = 168;

    ILicenceRegistry private immutable _licences;

    /// Packed: wallet (bits 0..159) | status (160..167) | household tag (168..255).
    mapping(bytes32 beneficiaryRef => uint256 record) private _records;
    mapping(address wallet => bytes32 householdRef) private _households;

    /// The wallet the latest rebind replaced as lost, and when; one slot.
    struct PreviousWallet {
        address wallet;
        uint64 reboundAt;
    }

    mapping(bytes32 beneficiaryRef => PreviousWallet) private _previousWallets;

    modifier onlyRegistrar() {
        if (!_licences.isActive(msg.sender, LicenceKind.Registrar)) revert RegistrarUnauthorized(msg.sender);
        _;
    }

    constructor(ILicenceRegistry licences) {
        _licences = licences;
    }

    /// @inheritdoc IBeneficiaryRegistry
    function registerBatch(Registration[] calldata registrations) external onlyRegistrar {
        uint256 size = registrations.length;
        if (size == 0 || size > MAX_BATCH) revert RegistrationBatchSize(size, MAX_BATCH);
        for (uint256 i; i < size; ++i) {
            Registration calldata r = registrations[i];
            if (r.beneficiaryRef == 0 || r.householdRef == 0 || r.wallet == address(0)) {
                revert RegistrationInvalid(r.beneficiaryRef);
            }
            if (_records[r.beneficiaryRef] != 0) revert BeneficiaryAlreadyRegistered(r.beneficiaryRef);
            if (_households[r.wallet] != 0) revert WalletAlreadyBound(r.wallet);
            _records[r.beneficiaryRef] = _pack(
                r.wallet,
                BeneficiaryStatus.Active,
                householdTag(r.householdRef)
            );
            _households[r.wallet] = r.householdRef;
            emit BeneficiaryRegistered(r.beneficiaryRef, r.householdRef, r.wallet);
        }
    }

    /// @inheritdoc IBeneficiaryRegistry
    function rebindWallet(bytes32 beneficiaryRef, address newWallet, bytes32 reason) external onlyRegistrar {
        address previous = _rebind(beneficiaryRef, newWallet, reason);
        _previousWallets[beneficiaryRef] = PreviousWallet(previous, uint64(block.timestamp));
        emit PreviousWalletGraceStarted(
            beneficiaryRef,
            previous,
            block.timestamp + PREVIOUS_WALLET_RECEIPT_GRACE
        );
    }

    /// @inheritdoc IBeneficiaryRegistry
    function rebindWalletCompromised(
        bytes32 beneficiaryRef,
        address newWallet,
        bytes32 reason
    ) external onlyRegistrar {
        address previous = _rebind(beneficiaryRef, newWallet, reason);
        delete _previousWallets[beneficiaryRef];
        emit PreviousWalletVoided(beneficiaryRef, previous, reason);
    }

    /// @inheritdoc IBeneficiaryRegistry
    function voidPreviousWalletReceipts(bytes32 beneficiaryRef, bytes32 reason) external onlyRegistrar {
        address previous = _previousWallets[beneficiaryRef].wallet;
        if (previous == address(0)) revert PreviousWalletNone(beneficiaryRef);
        delete _previousWallets[beneficiaryRef];
        emit PreviousWalletVoided(beneficiaryRef, previous, reason);
    }

    /// @inheritdoc IBeneficiaryRegistry
    function setStatus(bytes32 beneficiaryRef, BeneficiaryStatus newStatus) external onlyRegistrar {
        (address wallet, BeneficiaryStatus status, uint88 tag) = _unpack(_records[beneficiaryRef]);
        if (status == BeneficiaryStatus.None) revert BeneficiaryUnknown(beneficiaryRef);
        if (
            status == BeneficiaryStatus.Deceased || newStatus == BeneficiaryStatus.None || newStatus == status
        ) {
            revert BeneficiaryStatusInvalid(beneficiaryRef, newStatus);
        }
        _records[beneficiaryRef] = _pack(wallet, newStatus, tag);
        emit BeneficiaryStatusChanged(beneficiaryRef, status, newStatus);
    }

    /// @inheritdoc IBeneficiaryRegistry
    function beneficiary(
        bytes32 beneficiaryRef
    ) external view returns (address wallet, BeneficiaryStatus status, uint88 tag) {
        return _unpack(_records[beneficiaryRef]);
    }

    /// @inheritdoc IBeneficiaryRegistry
    function householdOf(address wallet) external view returns (bytes32) {
        return _households[wallet];
    }

    /// @inheritdoc IBeneficiaryRegistry
    function previousWalletGrace(
        bytes32 beneficiaryRef
    ) external view returns (address wallet, uint256 graceEndsAt) {
        PreviousWallet storage previous = _previousWallets[beneficiaryRef];
        wallet = previous.wallet;
        // A previous wallet bound again (to anyone) signs for its new binding only.
        if (wallet == address(0) || _households[wallet] != 0) return (address(0), 0);
        graceEndsAt = previous.reboundAt + PREVIOUS_WALLET_RECEIPT_GRACE;
    }

    /// @inheritdoc IBeneficiaryRegistry
    function householdTag(bytes32 householdRef) public pure returns (uint88) {
        return uint88(uint160(householdAccountOf(householdRef)));
    }

    /// @inheritdoc IBeneficiaryRegistry
    function activeWalletIn(bytes32 beneficiaryRef, bytes32 householdRef) external view returns (address) {
        (address wallet, BeneficiaryStatus status, uint88 tag) = _unpack(_records[beneficiaryRef]);
        if (status != BeneficiaryStatus.Active || tag != householdTag(householdRef)) return address(0);
        return wallet;
    }

    /// @inheritdoc IBeneficiaryRegistry
    function householdAccount(bytes32 householdRef) external pure returns (address) {
        return householdAccountOf(householdRef);
    }

    /// @inheritdoc IBeneficiaryRegistry
    function activeHouseholdsIn(
        bytes32[] calldata beneficiaryRefs,
        bytes32[] calldata householdRefs
    ) external view returns (address[] memory accounts) {
        uint256 size = beneficiaryRefs.length;
        if (householdRefs.length != size) revert RegistrationBatchSize(householdRefs.length, size);
        accounts = new address[](size);
        for (uint256 i; i < size; ++i) {
            (, BeneficiaryStatus status, uint88 tag) = _unpack(_records[beneficiaryRefs[i]]);
            // The tag is the account's low 88 bits: one hash gives both.
            address account = householdAccountOf(householdRefs[i]);
            if (status == BeneficiaryStatus.Active && tag == uint88(uint160(account))) accounts[i] = account;
        }
    }

    /// @dev Moves the beneficiary and its household from its wallet to `newWallet`; returns the old wallet.
    function _rebind(
        bytes32 beneficiaryRef,
        address newWallet,
        bytes32 reason
    ) private returns (address previous) {
        BeneficiaryStatus status;
        uint88 tag;
        (previous, status, tag) = _unpack(_records[beneficiaryRef]);
        if (status == BeneficiaryStatus.None) revert BeneficiaryUnknown(beneficiaryRef);
        if (status == BeneficiaryStatus.Deceased) revert BeneficiaryStatusInvalid(beneficiaryRef, status);
        if (newWallet == address(0)) revert RegistrationInvalid(beneficiaryRef);
        if (_households[newWallet] != 0) revert WalletAlreadyBound(newWallet);
        _households[newWallet] = _households[previous];
        delete _households[previous];
        _records[beneficiaryRef] = _pack(newWallet, status, tag);
        emit WalletRebound(beneficiaryRef, previous, newWallet, reason);
    }

    function _pack(address wallet, BeneficiaryStatus status, uint88 tag) private pure returns (uint256) {
        return uint256(uint160(wallet)) | (uint256(status) << _STATUS_SHIFT) | (uint256(tag) << _TAG_SHIFT);
    }

    function _unpack(
        uint256 record
    ) private pure returns (address wallet, BeneficiaryStatus status, uint88 tag) {
        wallet = address(uint160(record));
        status = BeneficiaryStatus(uint8(record >> _STATUS_SHIFT));
        tag = uint88(record >> _TAG_SHIFT);
    }
}
