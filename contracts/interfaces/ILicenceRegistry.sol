// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.28;

import {Layer, LicenceKind, LicenceStatus} from "../types/AidTypes.sol";

/// @title Public registry of who is licensed to do what, per layer and category.
/// @notice The regulator (holders of `REGULATOR_ROLE`) licenses charities, vendors, field agents,
/// auditors and registrars. Granting the regulator role itself is reserved to the default admin,
/// whose transfer is delayed and which is meant to be a timelock or multi-approval account.
/// Suspension is immediate and reversible. Revocation is immediate in effect (the licence stops being
/// active at once) but becomes final only with a second regulator's confirmation or after
/// `REVOCATION_DELAY`; until then any regulator can cancel it, so no single key can end a licence for good.
interface ILicenceRegistry {
    /// @notice One licence of one holder for one kind.
    /// @param layers Bit mask of permitted layers: bit `uint8(Layer.X)`.
    /// @param validFrom First second the licence is valid.
    /// @param validUntil Last second the licence is valid.
    /// @param status Active, suspended, revocation pending or revoked.
    /// @param categories Bit mask of permitted aid categories (0..255).
    /// @param metadataCid IPFS CID of the licence document.
    struct Licence {
        uint8 layers;
        uint40 validFrom;
        uint40 validUntil;
        LicenceStatus status;
        uint256 categories;
        string metadataCid;
    }

    /// @notice A revocation proposed and not yet cancelled or finalised (zeroed if none).
    /// @param proposer The regulator who proposed it; it cannot confirm its own proposal.
    /// @param finalAt First second at which anyone may finalise it.
    /// @param statusBefore The status a cancellation restores: Active or Suspended.
    struct PendingRevocation {
        address proposer;
        uint40 finalAt;
        LicenceStatus statusBefore;
    }

    /// @notice `kind` is `LicenceKind.None`.
    error LicenceKindInvalid();
    /// @notice The validity window is empty or already over.
    error LicenceWindowInvalid(uint40 validFrom, uint40 validUntil);
    /// @notice The licence mask allows no layer or no category.
    error LicenceScopeEmpty();
    /// @notice The holder is the zero address.
    error LicenceHolderZero();
    /// @notice The licence was revoked and cannot be granted, reinstated or suspended again.
    error LicenceRevoked(address holder, LicenceKind kind);
    /// @notice The licence is not in the status the action needs.
    error LicenceStatusInvalid(address holder, LicenceKind kind, LicenceStatus status);
    /// @notice The licence's revocation is pending: it can only be cancelled or finalised until `finalAt`
    /// and after, not granted, renewed, suspended, reinstated or revoked again.
    error LicenceRevocationPending(address holder, LicenceKind kind, uint40 finalAt);
    /// @notice The revocation's delay runs until `finalAt`: before it only a second regulator can finalise.
    error LicenceRevocationDelayNotOver(address holder, LicenceKind kind, uint40 finalAt);
    /// @notice The regulator who proposed the revocation cannot be the second approval of it.
    error LicenceRevocationConfirmerIsProposer(address holder, LicenceKind kind, address proposer);

    /// @notice Emitted when a licence is granted or renewed.
    event LicenceGranted(
        address indexed holder,
        LicenceKind indexed kind,
        uint8 layers,
        uint256 categories,
        uint40 validFrom,
        uint40 validUntil,
        string metadataCid,
        address indexed regulator
    );
    /// @notice Emitted when a licence is suspended; `reason` may be an audit finding id.
    event LicenceSuspended(
        address indexed holder,
        LicenceKind indexed kind,
        bytes32 reason,
        address regulator
    );
    /// @notice Emitted when a suspended licence is reinstated.
    event LicenceReinstated(address indexed holder, LicenceKind indexed kind, address regulator);
    /// @notice Emitted when a regulator proposes to revoke a licence, which stops being active at once;
    /// `reason` may be an audit finding id.
    event LicenceRevocationProposed(
        address indexed holder,
        LicenceKind indexed kind,
        bytes32 reason,
        address indexed proposer,
        uint40 finalAt
    );
    /// @notice Emitted when a pending revocation is cancelled and the licence gets back `restoredStatus`.
    event LicenceRevocationCancelled(
        address indexed holder,
        LicenceKind indexed kind,
        LicenceStatus restoredStatus,
        address regulator
    );
    /// @notice Emitted when a revocation becomes final. `finalisedBy` is the confirming second regulator,
    /// or whoever finalised it after the delay.
    event LicenceRevocationFinalised(
        address indexed holder,
        LicenceKind indexed kind,
        address proposer,
        address finalisedBy
    );

    /// @notice The role whose holders act as the regulator.
    function REGULATOR_ROLE() external view returns (bytes32);

    /// @notice Seconds after its proposal at which anyone may finalise a revocation (4 days). Longer than
    /// the consortium timelock's delay (2 days), so that even a sole, captured regulator's revocations can
    /// be cancelled by a regulator the council appoints through the timelock before they become final.
    function REVOCATION_DELAY() external view returns (uint40);

    /// @notice Grants or renews a licence. Renewing a suspended licence keeps it suspended.
    /// @dev Requires `REGULATOR_ROLE`. Reverts with `LicenceRevoked` if the licence was revoked and with
    /// `LicenceRevocationPending` while its revocation is pending. Emits {LicenceGranted}.
    function grantLicence(
        address holder,
        LicenceKind kind,
        uint8 layers,
        uint256 categories,
        uint40 validFrom,
        uint40 validUntil,
        string calldata metadataCid
    ) external;

    /// @notice Suspends an active licence, e.g. in response to an audit finding.
    /// @dev Requires `REGULATOR_ROLE` and an active licence (`LicenceRevocationPending` while a revocation
    /// is pending: cancel it first). Emits {LicenceSuspended}.
    function suspendLicence(address holder, LicenceKind kind, bytes32 reason) external;

    /// @notice Reinstates a suspended licence.
    /// @dev Requires `REGULATOR_ROLE` and a suspended licence (`LicenceRevocationPending` while a revocation
    /// is pending: cancelling it is what restores the licence). Emits {LicenceReinstated}.
    function reinstateLicence(address holder, LicenceKind kind) external;

    /// @notice Proposes to revoke a licence. The licence stops being active at once (status
    /// `RevocationPending`) and becomes `Revoked`, for good, only through {confirmRevocation} by another
    /// regulator or {finaliseRevocation} after `REVOCATION_DELAY`; until then {cancelRevocation} undoes it.
    /// @dev Requires `REGULATOR_ROLE` and an active or suspended licence: `LicenceStatusInvalid` if none,
    /// `LicenceRevoked` if revoked, `LicenceRevocationPending` if already pending.
    /// Emits {LicenceRevocationProposed}.
    function revokeLicence(address holder, LicenceKind kind, bytes32 reason) external;

    /// @notice Cancels a pending revocation and restores the status the licence had before it.
    /// @dev Requires `REGULATOR_ROLE` (any regulator, the proposer included) and a pending revocation:
    /// `LicenceRevoked` once final, `LicenceStatusInvalid` otherwise. Emits {LicenceRevocationCancelled}.
    function cancelRevocation(address holder, LicenceKind kind) external;

    /// @notice The second approval: makes a pending revocation final at once, without waiting for the delay.
    /// @dev Requires `REGULATOR_ROLE`, a pending revocation (`LicenceRevoked` once final,
    /// `LicenceStatusInvalid` otherwise) and a caller other than its proposer
    /// (`LicenceRevocationConfirmerIsProposer`). Emits {LicenceRevocationFinalised}.
    function confirmRevocation(address holder, LicenceKind kind) external;

    /// @notice Makes a pending revocation final once `REVOCATION_DELAY` has passed since its proposal.
    /// @dev Anyone may call. Requires a pending revocation (`LicenceRevoked` once final,
    /// `LicenceStatusInvalid` otherwise) whose `finalAt` has come (`LicenceRevocationDelayNotOver`).
    /// Emits {LicenceRevocationFinalised}.
    function finaliseRevocation(address holder, LicenceKind kind) external;

    /// @notice The licence record of `holder` for `kind` (zeroed if none).
    function licenceOf(address holder, LicenceKind kind) external view returns (Licence memory);

    /// @notice The pending revocation of `holder`'s licence of `kind` (zeroed if none is pending).
    function pendingRevocationOf(
        address holder,
        LicenceKind kind
    ) external view returns (PendingRevocation memory);

    /// @notice Whether `holder` holds an active, currently valid licence of `kind` for any layer: false
    /// while suspended, while a revocation is pending and once revoked.
    function isActive(address holder, LicenceKind kind) external view returns (bool);

    /// @notice Whether `holder` holds an active, currently valid licence of `kind` covering `layer` and `category`.
    function isLicensed(
        address holder,
        LicenceKind kind,
        Layer layer,
        uint8 category
    ) external view returns (bool);

    /// @notice Whether `account` acts as the regulator.
    function isRegulator(address account) external view returns (bool);
}
