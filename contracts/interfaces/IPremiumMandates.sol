// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.28;

import {IRedemptionDesk} from "./IRedemptionDesk.sol";

/// @title IPremiumMandates
/// @notice Nazr-e bimeh: a household member's standing consent that an insurer redeem one premium per period
/// from the household's entitlement through the ledger's ordinary `redeem`, with the mandate's id in place of
/// the beneficiary's signature. The ledger asks {covers} only when a receipt's ordinary approvals failed.
interface IPremiumMandates {
    /// @notice What a member signs once (EIP-712, this contract's domain). Each period's premium is a
    /// receipt of at most `premiumPerPeriod` whose nonce is `period << 8 | receiptIndex`, so the ledger's
    /// nonce bitmap admits one per period.
    struct StandingMandate {
        uint256 programmeId;
        bytes32 householdRef;
        bytes32 beneficiaryRef;
        address insurer;
        uint256 premiumPerPeriod;
        uint32 firstPeriod;
        uint32 lastPeriod;
        uint8 receiptIndex;
        uint256 nonce;
        uint256 deadline;
    }

    /// @notice A stored mandate. `revoked` is final.
    struct Mandate {
        bytes32 householdRef;
        bytes32 beneficiaryRef;
        address insurer;
        uint64 programmeId;
        uint32 firstPeriod;
        uint32 lastPeriod;
        uint8 receiptIndex;
        bool revoked;
        uint128 premiumPerPeriod;
    }

    /// @notice The mandate is malformed: no insurer, zero premium, periods out of order, or a receipt index the ledger
    /// does not issue.
    error MandateInvalid();
    /// @notice The mandate's acceptance deadline or the revocation's deadline has passed.
    error MandateExpired(uint256 deadline);
    /// @notice The signature is not the beneficiary's active wallet's (ECDSA or ERC-1271).
    error MandateSignatureInvalid(address wallet);
    /// @notice This mandate (same terms, same nonce) is already on record.
    error MandateAlreadyAccepted(bytes32 mandateId);
    /// @notice No mandate has this id.
    error MandateUnknown(bytes32 mandateId);
    /// @notice The mandate is already revoked.
    error MandateAlreadyRevoked(bytes32 mandateId);
    /// @notice The caller, or the revocation's signature, is not the active wallet of `memberRef` in the
    /// mandate's household.
    error MandateRevokerUnauthorized(bytes32 memberRef, address account);

    /// @notice A mandate was accepted. Every signed field is here, with the signature, so an auditor can
    /// rebuild its digest and recover its signer.
    event MandateAccepted(
        bytes32 indexed mandateId,
        uint256 indexed programmeId,
        bytes32 indexed householdRef,
        bytes32 beneficiaryRef,
        address insurer,
        uint256 premiumPerPeriod,
        uint32 firstPeriod,
        uint32 lastPeriod,
        uint8 receiptIndex,
        uint256 nonce,
        uint256 deadline,
        address signer,
        bytes signature
    );

    /// @notice A mandate was revoked by `revoker`, the active wallet of member `memberRef` of its household
    /// (the caller, or the signer of a relayed revocation).
    event MandateRevoked(
        bytes32 indexed mandateId,
        bytes32 indexed householdRef,
        bytes32 memberRef,
        address revoker
    );

    /// @notice The highest receipt index a mandate may name (the ledger's `RECEIPT_NONCES_PER_PERIOD - 1`).
    function MAX_RECEIPT_INDEX() external view returns (uint8);

    /// @notice Records a mandate signed by the beneficiary's active wallet in its household; anyone may submit
    /// it. Returns its id, the mandate's EIP-712 digest.
    function acceptMandate(
        StandingMandate calldata mandate,
        bytes calldata signature
    ) external returns (bytes32 mandateId);

    /// @notice Revokes a mandate; the caller must be the active wallet of `memberRef`, a member of its household.
    function revokeMandate(bytes32 mandateId, bytes32 memberRef) external;

    /// @notice Revokes a mandate on a relayed EIP-712
    /// `MandateRevocation(bytes32 mandateId,bytes32 memberRef,uint256 deadline)` signed (ECDSA or ERC-1271) by
    /// the active wallet of `memberRef`, a member of its household; anyone may submit it.
    function revokeMandateBySig(
        bytes32 mandateId,
        bytes32 memberRef,
        uint256 deadline,
        bytes calldata signature
    ) external;

    /// @notice The EIP-712 digest a revocation signer signs.
    function revocationDigest(
        bytes32 mandateId,
        bytes32 memberRef,
        uint256 deadline
    ) external view returns (bytes32);

    /// @notice The stored mandate (zeros if unknown).
    function mandate(bytes32 mandateId) external view returns (Mandate memory);

    /// @notice The EIP-712 digest (and id) of a standing mandate.
    function mandateDigest(StandingMandate calldata mandate) external view returns (bytes32);

    /// @notice Whether mandate `mandateId` covers `receipt`: its insurer, programme, household and
    /// beneficiary; an amount up to the premium; a nonce of the mandate's receipt index in a period within
    /// [first, last]; not revoked; the beneficiary still active in the household. Never reverts.
    function covers(
        bytes32 mandateId,
        IRedemptionDesk.DeliveryReceipt calldata receipt
    ) external view returns (bool);
}
