// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.28;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {EIP712} from "@openzeppelin/contracts/utils/cryptography/EIP712.sol";
import {ECDSA} from "@openzeppelin/contracts/utils/cryptography/ECDSA.sol";
import {SignatureChecker} from "@openzeppelin/contracts/utils/cryptography/SignatureChecker.sol";
import {IRedemptionDesk} from "../interfaces/IRedemptionDesk.sol";
import {EntitlementLedger} from "./EntitlementLedger.sol";
import {DisputeStatus, LicenceKind} from "../types/AidTypes.sol";
import {entitlementIdOf, householdAccountOf} from "../types/HouseholdAccounts.sol";

/// @title RedemptionDesk
/// @notice A redemption writes no slot of its own. Its replay guard is the receipt's nonce,
/// `period << 8 | index` with `index < RECEIPT_NONCES_PER_PERIOD`: one bit of the household's coverage record,
/// which the redemption updates anyway. Receipts of one household are independent of each other (no order),
/// each fits once and only in its period; two receipts signed with one nonce are an equivocation by the
/// household, visible to the vendor holding the refused one. The vendor is credited in the slot that already
/// holds its allowance and collects later ({collectSettlement}), so a redemption makes no token transfer: it
/// cannot be blocked by the token, and the vendor pays one transfer for many deliveries. A flag, which is
/// rare, pays for its own dispute record.
abstract contract RedemptionDesk is IRedemptionDesk, EntitlementLedger, EIP712 {
    using SafeERC20 for IERC20;

    /// @inheritdoc IRedemptionDesk
    uint256 public constant DISPUTE_WINDOW = 14 days;

    /// @inheritdoc IRedemptionDesk
    uint256 public constant RECEIPT_NONCES_PER_PERIOD = 32;

    bytes32 private constant _RECEIPT_TYPEHASH = keccak256(
        "DeliveryReceipt(uint256 programmeId,bytes32 beneficiaryRef,bytes32 householdRef,address vendor,"
        "uint256 amount,bytes32 evidenceHash,uint256 nonce,uint256 deadline)"
    );

    uint256 private constant _NONCE_PERIOD_SHIFT = 8;
    uint256 private constant _NONCE_INDEX_MASK = 0xff;

    mapping(bytes32 redemptionId => DisputeStatus) private _disputes;

    /// @inheritdoc IRedemptionDesk
    /// @dev Makes no call that could re-enter: the licence and beneficiary registries are read by static call
    /// and no token moves.
    function redeem(
        DeliveryReceipt calldata receipt,
        bytes calldata beneficiarySignature,
        bytes calldata fieldAgentSignature
    ) external returns (bytes32 redemptionId) {
        if (msg.sender != receipt.vendor) revert VendorMismatch(msg.sender, receipt.vendor);
        if (block.timestamp > receipt.deadline) revert ReceiptExpired(receipt.deadline);
        uint256 amount = receipt.amount;
        if (amount == 0) revert ReceiptAmountZero();
        uint256 programmeId = receipt.programmeId;
        Programme storage p = _requireRunning(programmeId);
        VendorAccount storage account = _vendorAccounts[programmeId][msg.sender];
        if (!account.allowed || !_licences.isLicensed(msg.sender, LicenceKind.Vendor, p.layer, p.category)) {
            revert VendorUnauthorized(programmeId, msg.sender);
        }

        redemptionId = _hashTypedDataV4(_hashReceipt(receipt));
        (, address approver) = _recoverBeneficiary(redemptionId, receipt, beneficiarySignature);
        address fieldAgent = _recoverFieldAgent(redemptionId, receipt, p, approver, fieldAgentSignature);

        uint32 period = _roll(programmeId, p);
        uint256 nonceBit = _nonceBit(receipt.nonce, period);
        address household = householdAccountOf(receipt.householdRef);
        (uint256 remaining, uint256 usedNonces) = _consume(
            programmeId,
            p.groupId,
            household,
            period,
            amount,
            nonceBit
        );
        if (usedNonces & nonceBit != 0) revert ReceiptNonceUsed(receipt.nonce);
        if (remaining < amount) revert EntitlementInsufficient(remaining, amount);
        Book storage book = _books[programmeId];
        // `amount <= remaining <= outstanding`: every live coverage was reserved in `outstanding`. A vendor's
        // credit is part of `paid`, which is checked to fit 96 bits.
        unchecked {
            book.outstanding -= uint96(amount);
        }
        book.paid += uint96(amount);
        unchecked {
            account.owed += uint96(amount);
        }

        emit TransferSingle(msg.sender, household, address(0), entitlementIdOf(programmeId, period), amount);
        emit DeliveryRedeemed(
            redemptionId,
            programmeId,
            receipt.householdRef,
            receipt.beneficiaryRef,
            msg.sender,
            amount,
            receipt.evidenceHash,
            fieldAgent
        );
        _attributeSettlement(programmeId, amount, redemptionId);
    }

    /// @inheritdoc IRedemptionDesk
    function collectSettlement(
        uint256 programmeId,
        address to
    ) external nonReentrant returns (uint256 amount) {
        VendorAccount storage account = _vendorAccounts[programmeId][msg.sender];
        amount = account.owed;
        if (amount == 0) revert SettlementNothingOwed(programmeId, msg.sender);
        if (to == address(0)) to = msg.sender;
        if (to == address(this)) revert SettlementRecipientInvalid(to);
        account.owed = 0;
        _collected[programmeId] += amount;
        emit SettlementCollected(programmeId, msg.sender, to, amount);
        _programmes[programmeId].token.safeTransfer(to, amount);
    }

    /// @inheritdoc IRedemptionDesk
    function flagRedemption(DeliveryReceipt calldata receipt, string calldata reasonCid) external {
        bytes32 redemptionId = _hashTypedDataV4(_hashReceipt(receipt));
        Programme storage p = _requireProgramme(receipt.programmeId);
        (uint256 period, uint256 index) = _splitNonce(receipt.nonce);
        if (receipt.amount == 0 || index >= RECEIPT_NONCES_PER_PERIOD || period > type(uint32).max) {
            revert RedemptionUnknown(redemptionId);
        }
        (uint256 usedNonces, uint256 redeemed) = _receiptState(
            receipt.programmeId,
            p.groupId,
            householdAccountOf(receipt.householdRef),
            uint32(period)
        );
        if (usedNonces & (1 << index) == 0 || receipt.amount > redeemed)
            revert RedemptionUnknown(redemptionId);

        // The receipt was redeemed within its period and before its deadline.
        uint256 periodEnd = (period + 1) * p.periodLength;
        uint256 closesAt = (receipt.deadline < periodEnd ? receipt.deadline : periodEnd) + DISPUTE_WINDOW;
        if (block.timestamp > closesAt) revert DisputeWindowClosed(redemptionId, closesAt);
        if (
            !_isHouseholdWallet(msg.sender, receipt) && !_licences.isActive(msg.sender, LicenceKind.Auditor)
        ) {
            revert FlagUnauthorized(msg.sender);
        }
        DisputeStatus status = _disputes[redemptionId];
        if (status != DisputeStatus.None) revert DisputeStatusInvalid(redemptionId, status);
        _disputes[redemptionId] = DisputeStatus.Flagged;
        emit RedemptionFlagged(redemptionId, msg.sender, reasonCid);
    }

    /// @inheritdoc IRedemptionDesk
    function resolveFlag(bytes32 redemptionId, bool upheld, string calldata reportCid) external {
        if (!_licences.isActive(msg.sender, LicenceKind.Auditor) && !_licences.isRegulator(msg.sender)) {
            revert ResolverUnauthorized(msg.sender);
        }
        DisputeStatus status = _disputes[redemptionId];
        if (status != DisputeStatus.Flagged) revert DisputeStatusInvalid(redemptionId, status);
        _disputes[redemptionId] = upheld ? DisputeStatus.Upheld : DisputeStatus.Dismissed;
        emit RedemptionFlagResolved(redemptionId, upheld, msg.sender, reportCid);
    }

    /// @inheritdoc IRedemptionDesk
    function receiptNonce(uint256 programmeId, bytes32 householdRef) external view returns (uint256) {
        Programme storage p = _requireProgramme(programmeId);
        uint32 period = uint32(block.timestamp / p.periodLength);
        (uint256 usedNonces, ) = _receiptState(
            programmeId,
            p.groupId,
            householdAccountOf(householdRef),
            period
        );
        for (uint256 index; index < RECEIPT_NONCES_PER_PERIOD; ++index) {
            if (usedNonces & (1 << index) == 0) return (uint256(period) << _NONCE_PERIOD_SHIFT) | index;
        }
        revert ReceiptNoncesExhausted(programmeId, householdRef, period);
    }

    /// @inheritdoc IRedemptionDesk
    function receiptNoncesUsed(
        uint256 programmeId,
        bytes32 householdRef,
        uint32 period
    ) external view returns (uint32) {
        Programme storage p = _requireProgramme(programmeId);
        (uint256 usedNonces, ) = _receiptState(
            programmeId,
            p.groupId,
            householdAccountOf(householdRef),
            period
        );
        return uint32(usedNonces);
    }

    /// @inheritdoc IRedemptionDesk
    function owedTo(uint256 programmeId, address vendor) external view returns (uint256) {
        return _vendorAccounts[programmeId][vendor].owed;
    }

    /// @inheritdoc IRedemptionDesk
    function disputeStatus(bytes32 redemptionId) external view returns (DisputeStatus) {
        return _disputes[redemptionId];
    }

    /// @inheritdoc IRedemptionDesk
    function receiptDigest(DeliveryReceipt calldata receipt) external view returns (bytes32) {
        return _hashTypedDataV4(_hashReceipt(receipt));
    }

    /// @dev Whether `account` is the wallet bound to the receipt's beneficiary, who belongs to its household.
    function _isHouseholdWallet(
        address account,
        DeliveryReceipt calldata receipt
    ) private view returns (bool) {
        (address wallet, , uint88 tag) = _registry.beneficiary(receipt.beneficiaryRef);
        return account == wallet && tag == _registry.householdTag(receipt.householdRef);
    }

    /// @dev The beneficiary's active wallet in the receipt's household, and the account that approved the
    /// receipt: that wallet, by ECDSA or, if it is a contract, by ERC-1271; or else the wallet the latest rebind
    /// replaced, within its grace ({IBeneficiaryRegistry-previousWalletGrace}). The ECDSA check against the active
    /// wallet comes first and costs what it did before; the other paths run only when it fails.
    function _recoverBeneficiary(
        bytes32 digest,
        DeliveryReceipt calldata receipt,
        bytes calldata signature
    ) private view returns (address wallet, address approver) {
        (address signer, ECDSA.RecoverError error, ) = ECDSA.tryRecoverCalldata(digest, signature);
        wallet = _registry.activeWalletIn(receipt.beneficiaryRef, receipt.householdRef);
        if (error != ECDSA.RecoverError.NoError || wallet == address(0) || signer != wallet) {
            approver = _otherApprover(digest, receipt, signature, wallet, signer);
        } else {
            approver = wallet;
        }
    }

    /// @dev `_recoverBeneficiary` when the signature is not the active wallet's ECDSA signature. `signer` is
    /// the ECDSA signer, zero if none.
    function _otherApprover(
        bytes32 digest,
        DeliveryReceipt calldata receipt,
        bytes calldata signature,
        address wallet,
        address signer
    ) private view returns (address) {
        if (wallet == address(0)) revert ReceiptSignatureInvalid(signer);
        if (_approvedByContract(wallet, digest, signature)) return wallet;
        // The active wallet was found, so the beneficiary is active in the receipt's household.
        (address previous, uint256 graceEndsAt) = _registry.previousWalletGrace(receipt.beneficiaryRef);
        // A failed recovery leaves `signer` zero, which `previous` is not.
        if (
            previous == address(0) ||
            (signer != previous && !_approvedByContract(previous, digest, signature))
        ) {
            revert ReceiptSignatureInvalid(signer);
        }
        if (receipt.deadline > graceEndsAt) revert ReceiptDeadlineBeyondGrace(receipt.deadline, graceEndsAt);
        return previous;
    }

    /// @dev Whether `account` is a contract that accepts `signature` for `digest` under ERC-1271. A static call:
    /// the wallet cannot change state or re-enter.
    function _approvedByContract(
        address account,
        bytes32 digest,
        bytes calldata signature
    ) private view returns (bool) {
        return
            account.code.length != 0 &&
            SignatureChecker.isValidERC1271SignatureNowCalldata(account, digest, signature);
    }

    /// @dev The licensed field agent who co-signed, or zero if none did and the programme does not need one. The
    /// agent must be independent of the delivery: neither its vendor, nor the account that approved it, nor a
    /// member of the household it was delivered to.
    function _recoverFieldAgent(
        bytes32 digest,
        DeliveryReceipt calldata receipt,
        Programme storage p,
        address approver,
        bytes calldata signature
    ) private view returns (address agent) {
        if (signature.length == 0) {
            if (p.requiresFieldAgent) revert FieldAgentRequired(receipt.programmeId);
            return address(0);
        }
        ECDSA.RecoverError error;
        (agent, error, ) = ECDSA.tryRecoverCalldata(digest, signature);
        if (
            error != ECDSA.RecoverError.NoError ||
            !_licences.isLicensed(agent, LicenceKind.FieldAgent, p.layer, p.category)
        ) revert FieldAgentInvalid(agent);
        if (
            agent == receipt.vendor ||
            agent == approver ||
            _registry.householdOf(agent) == receipt.householdRef
        ) revert FieldAgentNotIndependent(agent);
    }

    /// @dev The coverage record bit that `nonce` names, if it is a nonce of `period`.
    function _nonceBit(uint256 nonce, uint32 period) private pure returns (uint256) {
        (uint256 noncePeriod, uint256 index) = _splitNonce(nonce);
        if (noncePeriod != period || index >= RECEIPT_NONCES_PER_PERIOD) revert ReceiptNonceInvalid(nonce);
        return 1 << index;
    }

    /// @dev The period and the index (its low byte) a receipt nonce names.
    function _splitNonce(uint256 nonce) private pure returns (uint256 period, uint256 index) {
        return (nonce >> _NONCE_PERIOD_SHIFT, nonce & _NONCE_INDEX_MASK);
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
