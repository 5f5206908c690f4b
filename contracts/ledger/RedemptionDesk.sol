// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.28;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {EIP712} from "@openzeppelin/contracts/utils/cryptography/EIP712.sol";
import {ECDSA} from "@openzeppelin/contracts/utils/cryptography/ECDSA.sol";
import {SignatureChecker} from "@openzeppelin/contracts/utils/cryptography/SignatureChecker.sol";
import {IRedemptionDesk} from "../interfaces/IRedemptionDesk.sol";
import {IPremiumMandates} from "../interfaces/IPremiumMandates.sol";
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

    /// @dev A flag's record. A flag that holds money also keeps where from, and the key of the household's
    /// period in `_disputedOf`, so that resolving it needs only the redemption id.
    struct Dispute {
        DisputeStatus status;
        address vendor;
        uint32 group;
        uint64 programmeId;
        uint128 held;
        bytes32 householdPeriod;
    }

    /// @dev Standing premium mandates: a receipt whose beneficiary signature is a 32-byte mandate id is
    /// approved if this contract says the mandate covers it. Asked only after the ordinary approvals failed.
    IPremiumMandates private immutable _mandates;

    mapping(bytes32 redemptionId => Dispute) private _disputes;
    /// @dev Per programme, household and period (hashed): what flags hold or took back of its redemptions. It
    /// never exceeds what the household redeemed there, which bounds what false flags can freeze.
    mapping(bytes32 householdPeriod => uint256 disputed) private _disputedOf;

    /// @param mandates The {PremiumMandates} deployed with the same beneficiary registry.
    constructor(IPremiumMandates mandates) {
        _mandates = mandates;
    }

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
        // `amount <= remaining <= outstanding`: every live coverage was reserved in `outstanding`.
        unchecked {
            _books[programmeId].outstanding -= uint128(amount);
        }
        uint32 group = _groupOf(period, p.periodLength);
        if (account.group != group) _rollVendor(programmeId, account, group, p.periodLength);
        // The vendor's credit is part of `paid`, at most `given`, a uint128.
        unchecked {
            account.pending += uint128(amount);
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
        Credit memory credit = creditOf(programmeId, msg.sender);
        amount = credit.collectable;
        if (amount == 0) {
            if (credit.pendingEarlier | credit.pendingLatest == 0) {
                revert SettlementNothingOwed(programmeId, msg.sender);
            }
            revert SettlementNotReleased(
                programmeId,
                msg.sender,
                credit.pendingEarlier != 0 ? credit.earlierWindowClosesAt : credit.latestWindowClosesAt
            );
        }
        if (to == address(0)) to = msg.sender;
        if (to == address(this)) revert SettlementRecipientInvalid(to);
        VendorCredit storage stored = _vendorCredits[programmeId][msg.sender];
        stored.collectable = 0;
        stored.earlier = uint128(credit.pendingEarlier);
        _vendorAccounts[programmeId][msg.sender].pending = uint128(credit.pendingLatest);
        // `collected + owed == paid <= given`, a uint128.
        unchecked {
            _outflows[programmeId].collected += uint128(amount);
        }
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
        Dispute storage dispute = _disputes[redemptionId];
        DisputeStatus status = dispute.status;
        if (status != DisputeStatus.None) revert DisputeStatusInvalid(redemptionId, status);
        dispute.status = DisputeStatus.Flagged;
        emit RedemptionFlagged(redemptionId, msg.sender, reasonCid);
        _hold(dispute, redemptionId, receipt, uint32(period), redeemed);
    }

    /// @inheritdoc IRedemptionDesk
    function resolveFlag(bytes32 redemptionId, bool upheld, string calldata reportCid) external {
        if (!_licences.isActive(msg.sender, LicenceKind.Auditor) && !_licences.isRegulator(msg.sender)) {
            revert ResolverUnauthorized(msg.sender);
        }
        Dispute storage dispute = _disputes[redemptionId];
        DisputeStatus status = dispute.status;
        if (status != DisputeStatus.Flagged) revert DisputeStatusInvalid(redemptionId, status);
        dispute.status = upheld ? DisputeStatus.Upheld : DisputeStatus.Dismissed;
        emit RedemptionFlagResolved(redemptionId, upheld, msg.sender, reportCid);
        uint256 held = dispute.held;
        if (held == 0) return;

        uint256 programmeId = dispute.programmeId;
        address vendor = dispute.vendor;
        VendorCredit storage credit = _vendorCredits[programmeId][vendor];
        // Every hold was added to these totals when the flag was raised.
        unchecked {
            credit.held -= uint128(held);
            _held[programmeId] -= held;
        }
        if (upheld) {
            // The household's disputed total keeps what was taken back, so no receipt of it can be reversed twice.
            _reverseSettlement(programmeId, held, redemptionId);
        } else {
            unchecked {
                _disputedOf[dispute.householdPeriod] -= held;
            }
            _release(programmeId, vendor, credit, dispute.group, held);
        }
    }

    /// @inheritdoc IRedemptionDesk
    function creditOf(uint256 programmeId, address vendor) public view returns (Credit memory credit) {
        VendorAccount storage account = _vendorAccounts[programmeId][vendor];
        VendorCredit storage stored = _vendorCredits[programmeId][vendor];
        credit.collectable = stored.collectable;
        credit.held = stored.held;
        uint256 earlier = stored.earlier;
        uint256 latest = account.pending;
        if (earlier | latest == 0) return credit;
        uint256 group = account.group;
        uint256 periodLength = _programmes[programmeId].periodLength;
        credit.latestWindowClosesAt = _windowClosesAt(group, periodLength);
        // The earlier group is `group - 1`, a whole group before.
        credit.earlierWindowClosesAt =
            credit.latestWindowClosesAt - _periodsPerGroup(periodLength) * periodLength;
        // A window that has closed releases its credit, though no write has moved it yet.
        if (block.timestamp > credit.earlierWindowClosesAt) credit.collectable += earlier;
        else credit.pendingEarlier = earlier;
        if (block.timestamp > credit.latestWindowClosesAt) credit.collectable += latest;
        else credit.pendingLatest = latest;
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
        Credit memory credit = creditOf(programmeId, vendor);
        return credit.collectable + credit.pendingEarlier + credit.pendingLatest + credit.held;
    }

    /// @inheritdoc IRedemptionDesk
    function disputeStatus(bytes32 redemptionId) external view returns (DisputeStatus) {
        return _disputes[redemptionId].status;
    }

    /// @inheritdoc IRedemptionDesk
    function receiptDigest(DeliveryReceipt calldata receipt) external view returns (bytes32) {
        return _hashTypedDataV4(_hashReceipt(receipt));
    }

    /// @dev Moves a vendor's credit on when its first redemption of a new settlement group arrives. The earlier
    /// group's window closed before this group began, since a group spans at least `DISPUTE_WINDOW`, so its
    /// credit becomes collectable. The latest group's credit stays pending as the earlier one if its window is
    /// still open, which happens only when the new group directly follows it (same argument); otherwise it is
    /// collectable too. So two pending amounts always suffice and no credit waits for a later group.
    function _rollVendor(
        uint256 programmeId,
        VendorAccount storage account,
        uint32 group,
        uint256 periodLength
    ) private {
        uint256 latest = account.pending;
        VendorCredit storage credit = _vendorCredits[programmeId][msg.sender];
        uint256 earlier = credit.earlier;
        if (earlier | latest != 0) {
            uint256 collectable = credit.collectable + earlier;
            if (block.timestamp > _windowClosesAt(account.group, periodLength)) {
                collectable += latest;
                latest = 0;
            }
            credit.earlier = uint128(latest);
            credit.collectable = uint128(collectable);
        }
        account.group = group;
        account.pending = 0;
    }

    /// @dev Holds the flagged amount out of the named vendor's pending credit of the receipt's group: at most
    /// the receipt's amount, what that credit still holds, and what the household redeemed in the period less
    /// what flags already hold or took back of it. A receipt the vendor never redeemed (the chain keeps no record
    /// per redemption) can so freeze at most the household's redeemed amount of one period, over all its flags,
    /// and only credit still inside its window; a dismissal releases it.
    function _hold(
        Dispute storage dispute,
        bytes32 redemptionId,
        DeliveryReceipt calldata receipt,
        uint32 period,
        uint256 redeemed
    ) private {
        uint256 programmeId = receipt.programmeId;
        address vendor = receipt.vendor;
        bytes32 householdPeriod = keccak256(abi.encode(programmeId, receipt.householdRef, period));
        uint256 disputed = _disputedOf[householdPeriod];
        uint32 group = _groupOf(period, _programmes[programmeId].periodLength);
        VendorAccount storage account = _vendorAccounts[programmeId][vendor];
        VendorCredit storage credit = _vendorCredits[programmeId][vendor];
        // Inside the window the receipt's credit is still pending: in the latest group or the one before.
        uint256 pending;
        if (group == account.group) pending = account.pending;
        else if (group + 1 == account.group) pending = credit.earlier;
        uint256 held = receipt.amount;
        if (held > pending) held = pending;
        // `disputed <= redeemed`, kept by every hold.
        unchecked {
            if (held > redeemed - disputed) held = redeemed - disputed;
        }
        if (held == 0) return;
        // `held` is at most the pending amount, and the totals it joins are parts of `paid`.
        unchecked {
            if (group == account.group) account.pending -= uint128(held);
            else credit.earlier -= uint128(held);
            credit.held += uint128(held);
            _held[programmeId] += held;
            _disputedOf[householdPeriod] = disputed + held;
        }
        dispute.vendor = vendor;
        dispute.group = group;
        dispute.programmeId = uint64(programmeId);
        dispute.held = uint128(held);
        dispute.householdPeriod = householdPeriod;
        emit SettlementHeld(redemptionId, programmeId, vendor, held);
    }

    /// @dev Returns a dismissed flag's hold to the vendor's credit of its group: pending while that group's credit
    /// is, else collectable (a group two or more before the latest has a closed window).
    function _release(
        uint256 programmeId,
        address vendor,
        VendorCredit storage credit,
        uint32 group,
        uint256 held
    ) private {
        VendorAccount storage account = _vendorAccounts[programmeId][vendor];
        // Parts of `paid`, at most `given`, a uint128.
        unchecked {
            if (group == account.group) account.pending += uint128(held);
            else if (group + 1 == account.group) credit.earlier += uint128(held);
            else credit.collectable += uint128(held);
        }
    }

    /// @dev The settlement group of `period`: groups are runs of `ceil(DISPUTE_WINDOW / periodLength)` periods.
    function _groupOf(uint256 period, uint256 periodLength) private pure returns (uint32) {
        return uint32(period / _periodsPerGroup(periodLength));
    }

    /// @dev The last second of the dispute window of every receipt redeemed in settlement group `group`.
    function _windowClosesAt(uint256 group, uint256 periodLength) private pure returns (uint256) {
        return (group + 1) * _periodsPerGroup(periodLength) * periodLength + DISPUTE_WINDOW;
    }

    function _periodsPerGroup(uint256 periodLength) private pure returns (uint256) {
        return (DISPUTE_WINDOW + periodLength - 1) / periodLength;
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
    /// receipt: that wallet, by ECDSA or, if it is a contract, by ERC-1271, or by a standing premium mandate
    /// whose id stands in the signature's place; or else the wallet the latest rebind
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
        // A standing premium mandate (nazr-e bimeh): the "signature" is its id, and the static call cannot
        // change state or re-enter. The active wallet stands for the approver, as for its own signature.
        if (signature.length == 32 && _mandates.covers(bytes32(signature), receipt)) return wallet;
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

    function _hashReceipt(DeliveryReceipt calldata r) internal pure returns (bytes32) {
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
