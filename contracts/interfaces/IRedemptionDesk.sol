// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.28;

import {DisputeStatus} from "../types/AidTypes.sol";

/// @title Redemption of entitlements against the beneficiary's signed delivery receipt.
/// @notice The vendor submits the beneficiary's EIP-712 acceptance (optionally co-signed by a licensed
/// field agent); the vendor is paid from escrow, attributed to gift lots. Each receipt is usable once:
/// its digest is the redemption id. For `DISPUTE_WINDOW` after a redemption the beneficiary or an
/// auditor may flag it; an auditor or the regulator resolves the flag.
interface IRedemptionDesk {
    /// @notice What the beneficiary signs: "I received `amount` of programme `programmeId` from `vendor`".
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

    /// @notice The caller is not the receipt's vendor.
    error VendorMismatch(address caller, address vendor);
    /// @notice The vendor is not allowed in the programme or lacks a licence for its layer and category.
    error VendorUnauthorized(uint256 programmeId, address vendor);
    /// @notice The receipt's deadline has passed.
    error ReceiptExpired(uint256 deadline);
    /// @notice The receipt was already redeemed.
    error ReceiptAlreadyUsed(bytes32 redemptionId);
    /// @notice The amount is zero.
    error ReceiptAmountZero();
    /// @notice The signature is malformed or not by the beneficiary's active wallet in that household.
    error ReceiptSignatureInvalid(address signer);
    /// @notice The co-signature is not by a licensed field agent of the programme's layer and category.
    error FieldAgentInvalid(address signer);
    /// @notice The programme needs a field agent's co-signature.
    error FieldAgentRequired(uint256 programmeId);
    /// @notice The household's remaining entitlement is below the amount.
    error EntitlementInsufficient(uint256 remaining, uint256 amount);
    /// @notice No redemption has this id.
    error RedemptionUnknown(bytes32 redemptionId);
    /// @notice The dispute window has closed.
    error DisputeWindowClosed(bytes32 redemptionId, uint256 closedAt);
    /// @notice The caller is neither the beneficiary's wallet nor an auditor.
    error FlagUnauthorized(address caller);
    /// @notice The caller is neither an auditor nor the regulator.
    error ResolverUnauthorized(address caller);
    /// @notice The redemption is not in the dispute status the action needs.
    error DisputeStatusInvalid(bytes32 redemptionId, DisputeStatus status);

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
    /// @notice Emitted when a beneficiary or an auditor flags a redemption.
    event RedemptionFlagged(bytes32 indexed redemptionId, address indexed by, string reasonCid);
    /// @notice Emitted when a flag is resolved.
    event RedemptionFlagResolved(
        bytes32 indexed redemptionId,
        bool upheld,
        address indexed by,
        string reportCid
    );

    /// @notice How long after a redemption it may be flagged.
    function DISPUTE_WINDOW() external view returns (uint256);

    /// @notice Redeems a household's entitlement and pays the vendor from escrow.
    /// @dev Requires: caller is `receipt.vendor`, allowed and licensed; deadline not passed; receipt unused;
    /// `beneficiarySignature` by the active wallet of `beneficiaryRef` in `householdRef`; a licensed field
    /// agent's `fieldAgentSignature` if given or required; enough live entitlement. Emits
    /// {DeliveryRedeemed}, TransferSingle (burn) and {GiftSpent} per lot.
    function redeem(
        DeliveryReceipt calldata receipt,
        bytes calldata beneficiarySignature,
        bytes calldata fieldAgentSignature
    ) external returns (bytes32 redemptionId);

    /// @notice Flags a redemption as disputed.
    /// @dev Requires the receipt of an existing redemption, within the window, by the beneficiary's bound
    /// wallet or an active auditor, and no flag yet. Emits {RedemptionFlagged}.
    function flagRedemption(DeliveryReceipt calldata receipt, string calldata reasonCid) external;

    /// @notice Resolves a flag: upheld (the delivery is disputed) or dismissed.
    /// @dev Requires an active auditor or the regulator and a flagged redemption. Emits {RedemptionFlagResolved}.
    function resolveFlag(bytes32 redemptionId, bool upheld, string calldata reportCid) external;

    /// @notice When a redemption happened and its dispute status (zeros if unknown).
    function redemption(bytes32 redemptionId) external view returns (uint40 redeemedAt, DisputeStatus status);

    /// @notice The EIP-712 digest of a receipt, which is also its redemption id.
    function receiptDigest(DeliveryReceipt calldata receipt) external view returns (bytes32);
}
