// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.28;

import {EIP712} from "@openzeppelin/contracts/utils/cryptography/EIP712.sol";
import {SignatureChecker} from "@openzeppelin/contracts/utils/cryptography/SignatureChecker.sol";
import {IPremiumMandates} from "../interfaces/IPremiumMandates.sol";
import {IRedemptionDesk} from "../interfaces/IRedemptionDesk.sol";
import {IBeneficiaryRegistry} from "../interfaces/IBeneficiaryRegistry.sol";

/// @title PremiumMandates
/// @notice Standing premium mandates (nazr-e bimeh), kept apart from the ledger, which is at EIP-170's size
/// limit: the ledger holds only this contract's address and asks {covers} when a receipt's ordinary approvals
/// failed. A mandate's id is its EIP-712 digest, so the same signed mandate is recorded once; the nonce lets a
/// member accept the same terms again after a revocation. Once per period is the ledger's: each premium
/// receipt must use the mandate's fixed receipt index, one bit of the household's nonce bitmap per period.
contract PremiumMandates is IPremiumMandates, EIP712 {
    bytes32 private constant _MANDATE_TYPEHASH = keccak256(
        "StandingMandate(uint256 programmeId,bytes32 householdRef,bytes32 beneficiaryRef,address insurer,"
        "uint256 premiumPerPeriod,uint32 firstPeriod,uint32 lastPeriod,uint8 receiptIndex,uint256 nonce,"
        "uint256 deadline)"
    );
    bytes32 private constant _REVOCATION_TYPEHASH = keccak256(
        "MandateRevocation(bytes32 mandateId,bytes32 memberRef,uint256 deadline)"
    );

    /// @inheritdoc IPremiumMandates
    uint8 public constant MAX_RECEIPT_INDEX = 31;

    uint256 private constant _NONCE_PERIOD_SHIFT = 8;

    IBeneficiaryRegistry private immutable _registry;

    mapping(bytes32 mandateId => Mandate) private _mandates;

    /// @param registry The beneficiary registry the ledger reads wallets and households from.
    constructor(IBeneficiaryRegistry registry) EIP712("Sin Tech PremiumMandates", "1") {
        _registry = registry;
    }

    /// @inheritdoc IPremiumMandates
    function acceptMandate(
        StandingMandate calldata m,
        bytes calldata signature
    ) external returns (bytes32 mandateId) {
        if (block.timestamp > m.deadline) revert MandateExpired(m.deadline);
        if (
            m.insurer == address(0) ||
            m.premiumPerPeriod == 0 ||
            m.premiumPerPeriod > type(uint128).max ||
            m.programmeId > type(uint64).max ||
            m.firstPeriod > m.lastPeriod ||
            m.receiptIndex > MAX_RECEIPT_INDEX
        ) revert MandateInvalid();
        mandateId = _hashTypedDataV4(_hashMandate(m));
        address wallet = _registry.activeWalletIn(m.beneficiaryRef, m.householdRef);
        if (
            wallet == address(0) ||
            !SignatureChecker.isValidSignatureNowCalldata(wallet, mandateId, signature)
        ) {
            revert MandateSignatureInvalid(wallet);
        }
        Mandate storage stored = _mandates[mandateId];
        if (stored.insurer != address(0)) revert MandateAlreadyAccepted(mandateId);
        stored.householdRef = m.householdRef;
        stored.beneficiaryRef = m.beneficiaryRef;
        stored.insurer = m.insurer;
        stored.programmeId = uint64(m.programmeId);
        stored.firstPeriod = m.firstPeriod;
        stored.lastPeriod = m.lastPeriod;
        stored.receiptIndex = m.receiptIndex;
        stored.premiumPerPeriod = uint128(m.premiumPerPeriod);
        _emitAccepted(mandateId, m, wallet, signature);
    }

    /// @inheritdoc IPremiumMandates
    function revokeMandate(bytes32 mandateId, bytes32 memberRef) external {
        Mandate storage m = _liveMandate(mandateId);
        if (msg.sender != _registry.activeWalletIn(memberRef, m.householdRef)) {
            revert MandateRevokerUnauthorized(memberRef, msg.sender);
        }
        _revoke(m, mandateId, memberRef, msg.sender);
    }

    /// @inheritdoc IPremiumMandates
    function revokeMandateBySig(
        bytes32 mandateId,
        bytes32 memberRef,
        uint256 deadline,
        bytes calldata signature
    ) external {
        if (block.timestamp > deadline) revert MandateExpired(deadline);
        Mandate storage m = _liveMandate(mandateId);
        address wallet = _registry.activeWalletIn(memberRef, m.householdRef);
        bytes32 digest = _revocationDigest(mandateId, memberRef, deadline);
        if (
            wallet == address(0) || !SignatureChecker.isValidSignatureNowCalldata(wallet, digest, signature)
        ) {
            revert MandateRevokerUnauthorized(memberRef, wallet);
        }
        _revoke(m, mandateId, memberRef, wallet);
    }

    /// @inheritdoc IPremiumMandates
    function revocationDigest(
        bytes32 mandateId,
        bytes32 memberRef,
        uint256 deadline
    ) external view returns (bytes32) {
        return _revocationDigest(mandateId, memberRef, deadline);
    }

    /// @inheritdoc IPremiumMandates
    function mandate(bytes32 mandateId) external view returns (Mandate memory) {
        return _mandates[mandateId];
    }

    /// @inheritdoc IPremiumMandates
    function mandateDigest(StandingMandate calldata m) external view returns (bytes32) {
        return _hashTypedDataV4(_hashMandate(m));
    }

    /// @inheritdoc IPremiumMandates
    function covers(
        bytes32 mandateId,
        IRedemptionDesk.DeliveryReceipt calldata receipt
    ) external view returns (bool) {
        Mandate storage m = _mandates[mandateId];
        uint256 period = receipt.nonce >> _NONCE_PERIOD_SHIFT;
        return
            !m.revoked &&
            m.insurer != address(0) &&
            m.insurer == receipt.vendor &&
            m.programmeId == receipt.programmeId &&
            m.householdRef == receipt.householdRef &&
            m.beneficiaryRef == receipt.beneficiaryRef &&
            receipt.amount <= m.premiumPerPeriod &&
            receipt.nonce & 0xff == m.receiptIndex &&
            period >= m.firstPeriod &&
            period <= m.lastPeriod &&
            _registry.activeWalletIn(receipt.beneficiaryRef, receipt.householdRef) != address(0);
    }

    /// @dev The mandate, which must be on record and not revoked.
    function _liveMandate(bytes32 mandateId) private view returns (Mandate storage m) {
        m = _mandates[mandateId];
        if (m.insurer == address(0)) revert MandateUnknown(mandateId);
        if (m.revoked) revert MandateAlreadyRevoked(mandateId);
    }

    function _revoke(Mandate storage m, bytes32 mandateId, bytes32 memberRef, address revoker) private {
        m.revoked = true;
        emit MandateRevoked(mandateId, m.householdRef, memberRef, revoker);
    }

    function _revocationDigest(
        bytes32 mandateId,
        bytes32 memberRef,
        uint256 deadline
    ) private view returns (bytes32) {
        return _hashTypedDataV4(keccak256(abi.encode(_REVOCATION_TYPEHASH, mandateId, memberRef, deadline)));
    }

    function _emitAccepted(
        bytes32 mandateId,
        StandingMandate calldata m,
        address signer,
        bytes calldata signature
    ) private {
        emit MandateAccepted(
            mandateId,
            m.programmeId,
            m.householdRef,
            m.beneficiaryRef,
            m.insurer,
            m.premiumPerPeriod,
            m.firstPeriod,
            m.lastPeriod,
            m.receiptIndex,
            m.nonce,
            m.deadline,
            signer,
            signature
        );
    }

    function _hashMandate(StandingMandate calldata m) private pure returns (bytes32) {
        return
            keccak256(
                abi.encode(
                    _MANDATE_TYPEHASH,
                    m.programmeId,
                    m.householdRef,
                    m.beneficiaryRef,
                    m.insurer,
                    m.premiumPerPeriod,
                    m.firstPeriod,
                    m.lastPeriod,
                    m.receiptIndex,
                    m.nonce,
                    m.deadline
                )
            );
    }
}
