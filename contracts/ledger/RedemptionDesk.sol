// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.28;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {EIP712} from "@openzeppelin/contracts/utils/cryptography/EIP712.sol";
import {ECDSA} from "@openzeppelin/contracts/utils/cryptography/ECDSA.sol";
import {IRedemptionDesk} from "../interfaces/IRedemptionDesk.sol";
import {EntitlementLedger} from "./EntitlementLedger.sol";
import {DisputeStatus, LicenceKind} from "../types/AidTypes.sol";

/// @title RedemptionDesk
/// @notice Replay protection needs no nonce storage: the receipt's EIP-712 digest (bound to this contract
/// and chain id) is stored once as the redemption record, which is also what a dispute points at. ECDSA
/// recovery rejects malleable (high-s) signatures, and since the digest, not the signature, is the key, a
/// second encoding of the same signature cannot redeem twice anyway.
abstract contract RedemptionDesk is IRedemptionDesk, EntitlementLedger, EIP712 {
    using SafeERC20 for IERC20;

    /// @inheritdoc IRedemptionDesk
    uint256 public constant DISPUTE_WINDOW = 14 days;

    bytes32 private constant _RECEIPT_TYPEHASH = keccak256(
        "DeliveryReceipt(uint256 programmeId,bytes32 beneficiaryRef,bytes32 householdRef,address vendor,"
        "uint256 amount,bytes32 evidenceHash,uint256 nonce,uint256 deadline)"
    );

    /// Packed: redeemedAt (bits 0..39) | dispute status (40..47).
    mapping(bytes32 redemptionId => uint256 record) private _redemptions;

    /// @inheritdoc IRedemptionDesk
    function redeem(
        DeliveryReceipt calldata receipt,
        bytes calldata beneficiarySignature,
        bytes calldata fieldAgentSignature
    ) external nonReentrant returns (bytes32 redemptionId) {
        if (msg.sender != receipt.vendor) revert VendorMismatch(msg.sender, receipt.vendor);
        if (block.timestamp > receipt.deadline) revert ReceiptExpired(receipt.deadline);
        if (receipt.amount == 0) revert ReceiptAmountZero();
        uint256 programmeId = receipt.programmeId;
        Programme storage p = _requireRunning(programmeId);
        if (
            !isVendorAllowed(programmeId, msg.sender) ||
            !_licences.isLicensed(msg.sender, LicenceKind.Vendor, p.layer, p.category)
        ) revert VendorUnauthorized(programmeId, msg.sender);

        redemptionId = _hashTypedDataV4(_hashReceipt(receipt));
        if (_redemptions[redemptionId] != 0) revert ReceiptAlreadyUsed(redemptionId);
        address wallet = _recoverBeneficiary(redemptionId, receipt, beneficiarySignature);
        address fieldAgent = _recoverFieldAgent(redemptionId, programmeId, p, fieldAgentSignature);

        uint32 period = _roll(programmeId, p);
        uint256 remaining = _consume(programmeId, p.groupId, receipt.householdRef, period, receipt.amount);
        if (remaining < receipt.amount) revert EntitlementInsufficient(remaining, receipt.amount);
        Book storage book = _books[programmeId];
        // `amount <= remaining <= outstanding`: every live coverage was reserved in `outstanding`.
        unchecked {
            book.outstanding -= uint96(receipt.amount);
        }
        book.paid += uint96(receipt.amount);
        _redemptions[redemptionId] = block.timestamp | (uint256(DisputeStatus.None) << 40);

        emit TransferSingle(msg.sender, wallet, address(0), programmeId, receipt.amount);
        emit DeliveryRedeemed(
            redemptionId,
            programmeId,
            receipt.householdRef,
            receipt.beneficiaryRef,
            msg.sender,
            receipt.amount,
            receipt.evidenceHash,
            fieldAgent
        );
        _attributeSettlement(programmeId, receipt.amount, redemptionId);
        p.token.safeTransfer(msg.sender, receipt.amount);
    }

    /// @inheritdoc IRedemptionDesk
    function flagRedemption(DeliveryReceipt calldata receipt, string calldata reasonCid) external {
        bytes32 redemptionId = _hashTypedDataV4(_hashReceipt(receipt));
        uint256 record = _redemptions[redemptionId];
        if (record == 0) revert RedemptionUnknown(redemptionId);
        uint256 closesAt = uint40(record) + DISPUTE_WINDOW;
        if (block.timestamp > closesAt) revert DisputeWindowClosed(redemptionId, closesAt);
        (address wallet, , ) = _registry.beneficiary(receipt.beneficiaryRef);
        if (msg.sender != wallet && !_licences.isActive(msg.sender, LicenceKind.Auditor)) {
            revert FlagUnauthorized(msg.sender);
        }
        DisputeStatus status = DisputeStatus(uint8(record >> 40));
        if (status != DisputeStatus.None) revert DisputeStatusInvalid(redemptionId, status);
        _redemptions[redemptionId] = uint40(record) | (uint256(DisputeStatus.Flagged) << 40);
        emit RedemptionFlagged(redemptionId, msg.sender, reasonCid);
    }

    /// @inheritdoc IRedemptionDesk
    function resolveFlag(bytes32 redemptionId, bool upheld, string calldata reportCid) external {
        if (!_licences.isActive(msg.sender, LicenceKind.Auditor) && !_licences.isRegulator(msg.sender)) {
            revert ResolverUnauthorized(msg.sender);
        }
        uint256 record = _redemptions[redemptionId];
        if (record == 0) revert RedemptionUnknown(redemptionId);
        DisputeStatus status = DisputeStatus(uint8(record >> 40));
        if (status != DisputeStatus.Flagged) revert DisputeStatusInvalid(redemptionId, status);
        DisputeStatus outcome = upheld ? DisputeStatus.Upheld : DisputeStatus.Dismissed;
        _redemptions[redemptionId] = uint40(record) | (uint256(outcome) << 40);
        emit RedemptionFlagResolved(redemptionId, upheld, msg.sender, reportCid);
    }

    /// @inheritdoc IRedemptionDesk
    function redemption(
        bytes32 redemptionId
    ) external view returns (uint40 redeemedAt, DisputeStatus status) {
        uint256 record = _redemptions[redemptionId];
        return (uint40(record), DisputeStatus(uint8(record >> 40)));
    }

    /// @inheritdoc IRedemptionDesk
    function receiptDigest(DeliveryReceipt calldata receipt) external view returns (bytes32) {
        return _hashTypedDataV4(_hashReceipt(receipt));
    }

    function _recoverBeneficiary(
        bytes32 digest,
        DeliveryReceipt calldata receipt,
        bytes calldata signature
    ) private view returns (address wallet) {
        (address signer, ECDSA.RecoverError error, ) = ECDSA.tryRecoverCalldata(digest, signature);
        wallet = _registry.activeWalletIn(receipt.beneficiaryRef, receipt.householdRef);
        if (error != ECDSA.RecoverError.NoError || wallet == address(0) || signer != wallet) {
            revert ReceiptSignatureInvalid(signer);
        }
    }

    function _recoverFieldAgent(
        bytes32 digest,
        uint256 programmeId,
        Programme storage p,
        bytes calldata signature
    ) private view returns (address agent) {
        if (signature.length == 0) {
            if (p.requiresFieldAgent) revert FieldAgentRequired(programmeId);
            return address(0);
        }
        ECDSA.RecoverError error;
        (agent, error, ) = ECDSA.tryRecoverCalldata(digest, signature);
        if (
            error != ECDSA.RecoverError.NoError ||
            !_licences.isLicensed(agent, LicenceKind.FieldAgent, p.layer, p.category)
        ) revert FieldAgentInvalid(agent);
    }

    function _hashReceipt(DeliveryReceipt calldata r) private pure returns (bytes32) {
        return
            keccak256(
                abi.encode(
                    _RECEIPT_TYPEHASH,
                    r.programmeId,
                    r.beneficiaryRef,
                    r.householdRef,
                    r.vendor,
                    r.amount,
                    r.evidenceHash,
                    r.nonce,
                    r.deadline
                )
            );
    }
}
