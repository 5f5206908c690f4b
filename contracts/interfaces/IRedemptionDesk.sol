// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.28;

import {DisputeStatus} from "../types/AidTypes.sol";

/// @title Redemption of entitlements against the beneficiary's signed delivery receipt.
/// @notice The vendor submits the beneficiary's EIP-712 acceptance (optionally co-signed by a licensed
/// field agent); the amount is settled from escrow, attributed to gift lots, and credited to the vendor,
/// who collects it with {collectSettlement}. Each receipt is usable once: its nonce, `period << 8 | index`
/// with `index < RECEIPT_NONCES_PER_PERIOD`, is one of the household's receipt nonces for the programme and
/// period, and a redemption uses it up. A household's receipts do not depend on each other: the signer picks
/// an unused index ({receiptNonce}, {receiptNoncesUsed}). The receipt's EIP-712 digest is its redemption id.
/// Until `DISPUTE_WINDOW` after the receipt's period ends (or its deadline, if earlier) the beneficiary or an
/// auditor may flag a redemption; an auditor or the regulator resolves the flag.
interface IRedemptionDesk {
    /// @notice What the beneficiary signs: "I received `amount` of programme `programmeId` from `vendor`".
    /// @param nonce `period << 8 | index`: an unused receipt nonce of the household in the programme and the
    /// current period; see {receiptNonce}.
    struct DeliveryReceipt {
        uint256 programmeId;
        bytes32 beneficiaryRef;
        bytes32 householdRef;
        address vendor;
        uint256 amount;
        bytes32 evidenceHash;
        uint256 nonce;
        uint256 deadline;
    }

    /// @notice One item of {redeemBatch}: a receipt with the signatures {redeem} takes beside it.
    struct SignedReceipt {
        DeliveryReceipt receipt;
        bytes beneficiarySignature;
        bytes fieldAgentSignature;
    }

    /// @notice A vendor's credit in a programme. Credit from a redemption becomes collectable only when the
    /// dispute window of its period has closed: periods are settled in groups of
    /// `ceil(DISPUTE_WINDOW / periodLength)` periods (one period when periods last 14 days or more), and a
    /// group's credit is released after `groupEnd + DISPUTE_WINDOW`. `owedTo` is the sum of the amounts.
    /// @param collectable What {collectSettlement} pays now.
    /// @param pendingEarlier Credit of the group before the vendor's latest, collectable after `earlierWindowClosesAt`.
    /// @param earlierWindowClosesAt The earlier group's last dispute second; zero when no credit is pending.
    /// @param pendingLatest Credit of the vendor's latest group, collectable after `latestWindowClosesAt`.
    /// @param latestWindowClosesAt The latest group's last dispute second; zero when no credit is pending.
    /// @param held What open flags hold out of the vendor's credit: returned to the programme if upheld,
    /// released to the vendor if dismissed.
    struct Credit {
        uint256 collectable;
        uint256 pendingEarlier;
        uint256 earlierWindowClosesAt;
        uint256 pendingLatest;
        uint256 latestWindowClosesAt;
        uint256 held;
    }

    /// @notice The caller is not the receipt's vendor.
    error VendorMismatch(address caller, address vendor);
    /// @notice The vendor is not allowed in the programme or lacks a licence for its layer and category.
    error VendorUnauthorized(uint256 programmeId, address vendor);
    /// @notice The receipt's deadline has passed.
    error ReceiptExpired(uint256 deadline);
    /// @notice The nonce does not name an index below `RECEIPT_NONCES_PER_PERIOD` of the current period.
    error ReceiptNonceInvalid(uint256 nonce);
    /// @notice The household already used this receipt nonce: the receipt was redeemed, or the household
    /// signed another receipt with the same nonce.
    error ReceiptNonceUsed(uint256 nonce);
    /// @notice The household used every receipt nonce of the programme in this period.
    error ReceiptNoncesExhausted(uint256 programmeId, bytes32 householdRef, uint32 period);
    /// @notice The amount is zero.
    error ReceiptAmountZero();
    /// @notice The signature is malformed or approves nothing: not by the beneficiary's active wallet in that
    /// household (ECDSA, or ERC-1271 if the wallet is a contract), nor by its previous wallet still in grace.
    /// `signer` is the ECDSA signer recovered, zero if none.
    error ReceiptSignatureInvalid(address signer);
    /// @notice The receipt was signed by the beneficiary's previous wallet, and its deadline is later than the
    /// grace that wallet's rebind left it ({IBeneficiaryRegistry-previousWalletGrace}).
    error ReceiptDeadlineBeyondGrace(uint256 deadline, uint256 graceEndsAt);
    /// @notice The co-signature is not by a licensed field agent of the programme's layer and category.
    error FieldAgentInvalid(address signer);
    /// @notice The co-signing field agent is the vendor, the account that approved the receipt, or a member of the
    /// receipt's household (a wallet bound to it): a co-signature must come from someone else. The chain
    /// cannot see a field agent who colludes with the vendor, nor one who holds a key of a contract wallet's
    /// owners; licensing and audit answer for those.
    error FieldAgentNotIndependent(address agent);
    /// @notice The programme needs a field agent's co-signature.
    error FieldAgentRequired(uint256 programmeId);
    /// @notice The household's remaining entitlement is below the amount.
    error EntitlementInsufficient(uint256 remaining, uint256 amount);
    /// @notice No redemption used this receipt: the household never used its nonce, or redeemed less than its
    /// amount in that period.
    error RedemptionUnknown(bytes32 redemptionId);
    /// @notice The dispute window has closed.
    error DisputeWindowClosed(bytes32 redemptionId, uint256 closedAt);
    /// @notice The caller is neither the wallet of the receipt's beneficiary in its household nor an auditor.
    error FlagUnauthorized(address caller);
    /// @notice The caller is neither an auditor nor the regulator.
    error ResolverUnauthorized(address caller);
    /// @notice The redemption is not in the dispute status the action needs.
    error DisputeStatusInvalid(bytes32 redemptionId, DisputeStatus status);
    /// @notice The vendor's credit is still inside its dispute window; it is collectable after `windowClosesAt`.
    error SettlementNotReleased(uint256 programmeId, address vendor, uint256 windowClosesAt);
    /// @notice The ledger itself cannot receive a settlement: the tokens would stay in escrow uncounted.
    error SettlementRecipientInvalid(address to);
    /// @notice The vendor has nothing to collect in the programme.
    error SettlementNothingOwed(uint256 programmeId, address vendor);
    /// @notice A batch holds no receipt or more than `max`.
    error RedemptionBatchSizeInvalid(uint256 size, uint256 max);
    /// @notice The item at `index` ran out of gas: the whole batch reverts rather than refuse a good receipt
    /// for want of gas. Send the batch again with more gas.
    error RedemptionBatchOutOfGas(uint256 index);

    /// @notice Emitted for each redemption, beside a TransferSingle burn and {GiftSpent} per gift lot.
    event DeliveryRedeemed(
        bytes32 indexed redemptionId,
        uint256 indexed programmeId,
        bytes32 indexed householdRef,
        bytes32 beneficiaryRef,
        address vendor,
        uint256 amount,
        bytes32 evidenceHash,
        address fieldAgent
    );
    /// @notice Emitted by {redeemBatch} for each receipt it refused, which it left as if never submitted.
    /// @param redemptionId The refused receipt's EIP-712 digest (what its redemption id would have been).
    /// @param caller Who sent the batch: anyone may, and only receipts naming the caller as vendor redeem.
    /// @param reason The selector of the custom error {redeem} would have reverted with, e.g.
    /// `ReceiptNonceUsed.selector`.
    /// @param index The receipt's position in the batch.
    /// @param detail That error in full (selector and arguments), as {redeem} would have reverted.
    event RedemptionRefused(
        bytes32 indexed redemptionId,
        address indexed caller,
        bytes4 indexed reason,
        uint256 index,
        bytes detail
    );
    /// @notice Emitted when a vendor collects what redemptions credited it.
    event SettlementCollected(
        uint256 indexed programmeId,
        address indexed vendor,
        address to,
        uint256 amount
    );
    /// @notice Emitted when a beneficiary or an auditor flags a redemption.
    event RedemptionFlagged(bytes32 indexed redemptionId, address indexed by, string reasonCid);
    /// @notice Emitted when a flag is resolved.
    event RedemptionFlagResolved(
        bytes32 indexed redemptionId,
        bool upheld,
        address indexed by,
        string reportCid
    );

    /// @notice Emitted when a flag holds `amount` of the named vendor's pending credit. Its resolution
    /// ({RedemptionFlagResolved}) returns that amount to the programme if upheld, to the vendor if dismissed.
    event SettlementHeld(
        bytes32 indexed redemptionId,
        uint256 indexed programmeId,
        address indexed vendor,
        uint256 amount
    );
    /// @notice How long after the receipt's period (or deadline, if earlier) a redemption may be flagged.
    function DISPUTE_WINDOW() external view returns (uint256);

    /// @notice How many receipts a household may redeem per programme and period: the nonce indices.
    function RECEIPT_NONCES_PER_PERIOD() external view returns (uint256);

    /// @notice Redeems a household's entitlement and credits the vendor from escrow.
    /// @dev Requires: caller is `receipt.vendor`, allowed and licensed; deadline not passed; an unused receipt
    /// nonce of the household for the current period; `beneficiarySignature` by the active wallet of `beneficiaryRef` in
    /// `householdRef`; a licensed field agent's `fieldAgentSignature` if given or required; enough live
    /// entitlement. Emits {DeliveryRedeemed}, TransferSingle (burn) and {GiftSpent} per lot.
    function redeem(
        DeliveryReceipt calldata receipt,
        bytes calldata beneficiarySignature,
        bytes calldata fieldAgentSignature
    ) external returns (bytes32 redemptionId);

    /// @notice Redeems many receipts in one transaction, each exactly as {redeem} would, and skips those
    /// {redeem} would refuse: a distribution day's upload with one bad receipt keeps the others.
    /// @dev Each item runs {redeem}'s own code (a `delegatecall` to this contract, so the caller stays the
    /// sender): the same checks in the same order (vendor, deadline, amount, programme running, vendor
    /// allowed and licensed, beneficiary signature by ECDSA or ERC-1271 or a previous wallet in grace,
    /// field-agent co-signature, nonce, entitlement) and the same events (TransferSingle burn,
    /// {DeliveryRedeemed}, {GiftSpent} per lot), in item order, so a rebuild from events cannot tell a batch
    /// from single redemptions. A refused item changes nothing and emits {RedemptionRefused} with the error
    /// {redeem} would have reverted with; later items see the state the earlier ones left (the same receipt
    /// twice: the second is refused with {ReceiptNonceUsed}). Requires 1 to `MAX_REDEEM_BATCH` items.
    /// Reverts whole only with {RedemptionBatchSizeInvalid}, or {RedemptionBatchOutOfGas} when an item ran
    /// out of gas.
    /// @return redeemed Bit `i` set when item `i` was redeemed.
    function redeemBatch(SignedReceipt[] calldata items) external returns (uint256 redeemed);

    /// @notice The most receipts one {redeemBatch} takes: one bit each of its result.
    function MAX_REDEEM_BATCH() external view returns (uint256);

    /// @notice Pays the caller's collectable credit in a programme (see {Credit}), in the programme's token, to
    /// `to` (the caller if zero).
    /// @dev Works whatever the programme's or vendor's state: the money was earned by redeemed deliveries.
    /// Reverts with {SettlementNotReleased} while all the credit is inside its dispute window, and with
    /// {SettlementNothingOwed} when there is none. Emits {SettlementCollected}.
    function collectSettlement(uint256 programmeId, address to) external returns (uint256 amount);

    /// @notice Flags a redemption as disputed and holds its amount out of the vendor's pending credit.
    /// @dev The hold is at most the receipt's amount, the receipt vendor's pending credit of the receipt's
    /// group, and what the household redeemed in the period less what its flags hold or took back already;
    /// so a false flag freezes at most one household-period's redemptions, of one vendor's credit still in
    /// its window, until it is dismissed. Requires the receipt of a redemption (the household used its nonce and redeemed at least its amount
    /// in that period), within the window, by the wallet of the receipt's beneficiary (a member of the
    /// receipt's household) or an active auditor, and no flag yet. Emits {RedemptionFlagged}. Without a stored
    /// record per redemption the chain cannot tell the redeemed receipt from another with the same household,
    /// period and nonce (one the household signed twice, or one made up by the flagger): the resolver matches
    /// the id against {DeliveryRedeemed} and the flag names who raised it. Emits {RedemptionFlagged}, and
    /// {SettlementHeld} when it holds anything.
    function flagRedemption(DeliveryReceipt calldata receipt, string calldata reasonCid) external;

    /// @notice Resolves a flag: upheld (the delivery is disputed; the hold returns to the programme's budget,
    /// lowering `paid`, and to its gift lots, most recently spent first) or dismissed (the hold returns to the
    /// vendor's credit of its group: pending while that group's window is open, else collectable).
    /// @dev Requires an active auditor or the regulator and a flagged redemption. Emits {RedemptionFlagResolved},
    /// and when an upheld flag held money, {GiftSettlementReversed} per lot.
    function resolveFlag(bytes32 redemptionId, bool upheld, string calldata reportCid) external;

    /// @notice The household's lowest unused receipt nonce in the programme for the current period.
    /// @dev Reverts with {ReceiptNoncesExhausted} when all are used.
    function receiptNonce(uint256 programmeId, bytes32 householdRef) external view returns (uint256);

    /// @notice The household's used receipt nonce indices in the programme and period, one bit each.
    function receiptNoncesUsed(
        uint256 programmeId,
        bytes32 householdRef,
        uint32 period
    ) external view returns (uint32);

    /// @notice What a vendor was credited in a programme and has not collected: pending, collectable and held.
    function owedTo(uint256 programmeId, address vendor) external view returns (uint256);

    /// @notice A vendor's credit in a programme as of now: what it may collect, what is pending until when,
    /// and what flags hold.
    function creditOf(uint256 programmeId, address vendor) external view returns (Credit memory);

    /// @notice A redemption's dispute status (`None` if never flagged).
    function disputeStatus(bytes32 redemptionId) external view returns (DisputeStatus);

    /// @notice The EIP-712 digest of a receipt, which is also its redemption id.
    function receiptDigest(DeliveryReceipt calldata receipt) external view returns (bytes32);
}
