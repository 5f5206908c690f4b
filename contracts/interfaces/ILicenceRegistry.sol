// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.28;

import {Layer, LicenceKind, LicenceStatus} from "../types/AidTypes.sol";

/// @title Public registry of who is licensed to do what, per layer and category.
/// @notice The regulator (holders of `REGULATOR_ROLE`) licenses charities, vendors, field agents,
/// auditors and registrars. Granting the regulator role itself is reserved to the default admin,
/// whose transfer is delayed and which is meant to be a timelock or multi-approval account.
interface ILicenceRegistry {
    /// @notice One licence of one holder for one kind.
    /// @param layers Bit mask of permitted layers: bit `uint8(Layer.X)`.
    /// @param validFrom First second the licence is valid.
    /// @param validUntil Last second the licence is valid.
    /// @param status Active, suspended or revoked.
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
    /// @notice Emitted when a licence is revoked for good.
    event LicenceRevokedBy(
        address indexed holder,
        LicenceKind indexed kind,
        bytes32 reason,
        address regulator
    );

    /// @notice The role whose holders act as the regulator.
    function REGULATOR_ROLE() external view returns (bytes32);

    /// @notice Grants or renews a licence. Renewing a suspended licence keeps it suspended.
    /// @dev Requires `REGULATOR_ROLE`. Reverts with `LicenceRevoked` if the licence was revoked.
    /// Emits {LicenceGranted}.
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
    /// @dev Requires `REGULATOR_ROLE` and an active licence. Emits {LicenceSuspended}.
    function suspendLicence(address holder, LicenceKind kind, bytes32 reason) external;

    /// @notice Reinstates a suspended licence.
    /// @dev Requires `REGULATOR_ROLE` and a suspended licence. Emits {LicenceReinstated}.
    function reinstateLicence(address holder, LicenceKind kind) external;

    /// @notice Revokes a licence for good.
    /// @dev Requires `REGULATOR_ROLE` and a licence that exists and is not revoked. Emits {LicenceRevokedBy}.
    function revokeLicence(address holder, LicenceKind kind, bytes32 reason) external;

    /// @notice The licence record of `holder` for `kind` (zeroed if none).
    function licenceOf(address holder, LicenceKind kind) external view returns (Licence memory);

    /// @notice Whether `holder` holds an active, currently valid licence of `kind` for any layer.
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
