// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.28;

import {AccessControlDefaultAdminRules} from "@openzeppelin/contracts/access/extensions/AccessControlDefaultAdminRules.sol";
import {ILicenceRegistry} from "../interfaces/ILicenceRegistry.sol";
import {Layer, LicenceKind, LicenceStatus} from "../types/AidTypes.sol";

/// @title LicenceRegistry
/// @notice Public registry of licences. The default admin (a timelock in deployment, with a delayed
/// two-step transfer) appoints regulators; regulators license everyone else. A revocation takes two keys
/// or a delay to become final.
contract LicenceRegistry is ILicenceRegistry, AccessControlDefaultAdminRules {
    /// @inheritdoc ILicenceRegistry
    bytes32 public constant REGULATOR_ROLE = keccak256("REGULATOR_ROLE");

    /// @inheritdoc ILicenceRegistry
    uint40 public constant REVOCATION_DELAY = 4 days;

    mapping(address holder => mapping(LicenceKind kind => Licence)) private _licences;
    mapping(address holder => mapping(LicenceKind kind => PendingRevocation)) private _pendingRevocations;

    /// @param adminDelay Seconds a default-admin transfer must wait.
    /// @param admin The initial default admin (a timelock or multi-approval account).
    /// @param regulators The first regulators, so a fresh consortium can license without a timelock round.
    constructor(
        uint48 adminDelay,
        address admin,
        address[] memory regulators
    ) AccessControlDefaultAdminRules(adminDelay, admin) {
        for (uint256 i; i < regulators.length; ++i) _grantRole(REGULATOR_ROLE, regulators[i]);
    }

    /// @inheritdoc ILicenceRegistry
    function grantLicence(
        address holder,
        LicenceKind kind,
        uint8 layers,
        uint256 categories,
        uint40 validFrom,
        uint40 validUntil,
        string calldata metadataCid
    ) external onlyRole(REGULATOR_ROLE) {
        if (holder == address(0)) revert LicenceHolderZero();
        if (kind == LicenceKind.None) revert LicenceKindInvalid();
        if (layers == 0 || layers > 7 || categories == 0) revert LicenceScopeEmpty();
        if (validFrom >= validUntil || validUntil <= block.timestamp) {
            revert LicenceWindowInvalid(validFrom, validUntil);
        }
        (Licence storage licence, ) = _requireChangeable(holder, kind);
        licence.layers = layers;
        licence.validFrom = validFrom;
        licence.validUntil = validUntil;
        // A renewal changes scope and window but never lifts a suspension: only `reinstateLicence` does.
        if (licence.status == LicenceStatus.None) licence.status = LicenceStatus.Active;
        licence.categories = categories;
        licence.metadataCid = metadataCid;
        emit LicenceGranted(
            holder,
            kind,
            layers,
            categories,
            validFrom,
            validUntil,
            metadataCid,
            _msgSender()
        );
    }

    /// @inheritdoc ILicenceRegistry
    function suspendLicence(
        address holder,
        LicenceKind kind,
        bytes32 reason
    ) external onlyRole(REGULATOR_ROLE) {
        Licence storage licence = _requireStatus(holder, kind, LicenceStatus.Active);
        licence.status = LicenceStatus.Suspended;
        emit LicenceSuspended(holder, kind, reason, _msgSender());
    }

    /// @inheritdoc ILicenceRegistry
    function reinstateLicence(address holder, LicenceKind kind) external onlyRole(REGULATOR_ROLE) {
        Licence storage licence = _requireStatus(holder, kind, LicenceStatus.Suspended);
        licence.status = LicenceStatus.Active;
        emit LicenceReinstated(holder, kind, _msgSender());
    }

    /// @inheritdoc ILicenceRegistry
    function revokeLicence(
        address holder,
        LicenceKind kind,
        bytes32 reason
    ) external onlyRole(REGULATOR_ROLE) {
        (Licence storage licence, LicenceStatus status) = _requireChangeable(holder, kind);
        if (status == LicenceStatus.None) revert LicenceStatusInvalid(holder, kind, status);
        uint40 finalAt = uint40(block.timestamp) + REVOCATION_DELAY;
        licence.status = LicenceStatus.RevocationPending;
        _pendingRevocations[holder][kind] = PendingRevocation({
            proposer: _msgSender(),
            finalAt: finalAt,
            statusBefore: status
        });
        emit LicenceRevocationProposed(holder, kind, reason, _msgSender(), finalAt);
    }

    /// @inheritdoc ILicenceRegistry
    function cancelRevocation(address holder, LicenceKind kind) external onlyRole(REGULATOR_ROLE) {
        Licence storage licence = _requireStatus(holder, kind, LicenceStatus.RevocationPending);
        LicenceStatus restored = _pendingRevocations[holder][kind].statusBefore;
        delete _pendingRevocations[holder][kind];
        licence.status = restored;
        emit LicenceRevocationCancelled(holder, kind, restored, _msgSender());
    }

    /// @inheritdoc ILicenceRegistry
    function confirmRevocation(address holder, LicenceKind kind) external onlyRole(REGULATOR_ROLE) {
        Licence storage licence = _requireStatus(holder, kind, LicenceStatus.RevocationPending);
        address proposer = _pendingRevocations[holder][kind].proposer;
        if (proposer == _msgSender()) revert LicenceRevocationConfirmerIsProposer(holder, kind, proposer);
        _finalise(holder, kind, licence, proposer);
    }

    /// @inheritdoc ILicenceRegistry
    function finaliseRevocation(address holder, LicenceKind kind) external {
        Licence storage licence = _requireStatus(holder, kind, LicenceStatus.RevocationPending);
        PendingRevocation storage pending = _pendingRevocations[holder][kind];
        if (block.timestamp < pending.finalAt) {
            revert LicenceRevocationDelayNotOver(holder, kind, pending.finalAt);
        }
        _finalise(holder, kind, licence, pending.proposer);
    }

    /// @inheritdoc ILicenceRegistry
    function licenceOf(address holder, LicenceKind kind) external view returns (Licence memory) {
        return _licences[holder][kind];
    }

    /// @inheritdoc ILicenceRegistry
    function pendingRevocationOf(
        address holder,
        LicenceKind kind
    ) external view returns (PendingRevocation memory) {
        return _pendingRevocations[holder][kind];
    }

    /// @inheritdoc ILicenceRegistry
    function isActive(address holder, LicenceKind kind) public view returns (bool) {
        Licence storage licence = _licences[holder][kind];
        return
            licence.status == LicenceStatus.Active &&
            licence.validFrom <= block.timestamp &&
            block.timestamp <= licence.validUntil;
    }

    /// @inheritdoc ILicenceRegistry
    function isLicensed(
        address holder,
        LicenceKind kind,
        Layer layer,
        uint8 category
    ) external view returns (bool) {
        if (!isActive(holder, kind)) return false;
        Licence storage licence = _licences[holder][kind];
        return
            (licence.layers & (uint8(1) << uint8(layer))) != 0 && (licence.categories >> category) & 1 == 1;
    }

    /// @inheritdoc ILicenceRegistry
    function isRegulator(address account) external view returns (bool) {
        return hasRole(REGULATOR_ROLE, account);
    }

    function _finalise(address holder, LicenceKind kind, Licence storage licence, address proposer) private {
        delete _pendingRevocations[holder][kind];
        licence.status = LicenceStatus.Revoked;
        emit LicenceRevocationFinalised(holder, kind, proposer, _msgSender());
    }

    /// @dev The licence, which must be in `expected`; a revoked one is refused with `LicenceRevoked` and a
    /// pending revocation with `LicenceRevocationPending` unless that is what the action expects.
    function _requireStatus(
        address holder,
        LicenceKind kind,
        LicenceStatus expected
    ) private view returns (Licence storage licence) {
        licence = _licences[holder][kind];
        LicenceStatus status = licence.status;
        if (status == expected) return licence;
        _requireNotFrozen(holder, kind, status);
        revert LicenceStatusInvalid(holder, kind, status);
    }

    /// @dev The licence and its status, which must be neither revoked nor pending revocation.
    function _requireChangeable(
        address holder,
        LicenceKind kind
    ) private view returns (Licence storage licence, LicenceStatus status) {
        licence = _licences[holder][kind];
        status = licence.status;
        _requireNotFrozen(holder, kind, status);
    }

    /// @dev A revoked licence is final and a pending one waits for its cancellation or finalisation.
    function _requireNotFrozen(address holder, LicenceKind kind, LicenceStatus status) private view {
        if (status == LicenceStatus.Revoked) revert LicenceRevoked(holder, kind);
        if (status == LicenceStatus.RevocationPending) {
            revert LicenceRevocationPending(holder, kind, _pendingRevocations[holder][kind].finalAt);
        }
    }
}
