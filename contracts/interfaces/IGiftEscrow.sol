// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.28;

import {Outflow} from "../types/AidTypes.sol";

/// @title Gifts held in escrow, with lineage from each gift to what it paid for.
/// @notice Every gift is a lot. Money leaving a programme is taken from its lots in the order they
/// arrived (FIFO) and each piece is recorded by {GiftSpent}, so a donor's trail is rebuilt from events.
/// Invariant, per programme and per gift: given == escrowed + paid + refunded.
interface IGiftEscrow {
    /// @notice A gift as stored.
    /// @param donor The giving wallet, or the charity that recorded a cash or bank gift.
    /// @param donorRef For recorded gifts, the donor's non-personal reference; zero otherwise.
    /// @param refundTo Where unspent money goes at the programme's end.
    /// @param reallocateTo A programme to move unspent money to instead (0 = refund).
    struct Gift {
        address donor;
        uint96 refunded;
        uint96 amount;
        uint96 paid;
        uint64 programmeId;
        address refundTo;
        uint64 reallocateTo;
        bytes32 donorRef;
    }

    /// @notice The gift is below the programme's minimum.
    error GiftTooSmall(uint256 amount, uint96 minGift);
    /// @notice The gift is larger than one lot can hold.
    error GiftTooLarge(uint256 amount);
    /// @notice No gift has this id.
    error GiftUnknown(uint256 giftId);
    /// @notice Nothing of the gift is left to settle.
    error GiftFullySettled(uint256 giftId);
    /// @notice A recorded gift needs a donor reference.
    error DonorRefZero();
    /// @notice The reallocation target is unknown, the same programme, or settles in another token.
    error ReallocationTargetInvalid(uint64 programmeId);
    /// @notice A gift's refund address is the ledger itself, where refunded money would stay uncounted.
    error GiftRefundRecipientInvalid(address refundTo);
    /// @notice The token moved a different amount than asked (fee-on-transfer tokens are not supported).
    error TokenTransferMismatch(uint256 expected, uint256 received);

    /// @notice Emitted for each gift; `donorRef` is zero unless a charity recorded it for a cash donor.
    event GiftReceived(
        uint256 indexed giftId,
        uint256 indexed programmeId,
        address indexed donor,
        bytes32 donorRef,
        uint256 amount,
        bytes32 earmark,
        address refundTo,
        uint64 reallocateTo
    );
    /// @notice Emitted for each piece of a gift that leaves escrow. `ref` is the redemption id for a
    /// settlement, the refund address for a refund, and the new gift id for a reallocation.
    event GiftSpent(
        uint256 indexed giftId,
        uint256 indexed programmeId,
        uint256 amount,
        Outflow kind,
        bytes32 ref
    );

    /// @notice Emitted for each piece of a settlement returned to a gift lot by an upheld dispute (`ref` is the
    /// redemption id). Lots are un-spent most recent first, so each lot's `paid` stays what FIFO attribution of
    /// the programme's lower total would give; the money is again the programme's to spend or refund.
    event GiftSettlementReversed(
        uint256 indexed giftId,
        uint256 indexed programmeId,
        uint256 amount,
        bytes32 ref
    );

    /// @notice Gives `amount` of the programme's token from the caller's wallet.
    /// @dev Needs an allowance, a programme that has not ended and `amount >= minGift`. `refundTo` zero means
    /// the caller; the ledger itself is refused ({GiftRefundRecipientInvalid}). Emits {GiftReceived}.
    function give(
        uint256 programmeId,
        uint256 amount,
        bytes32 earmark,
        address refundTo,
        uint64 reallocateTo
    ) external returns (uint256 giftId);

    /// @notice Records a cash or bank gift: the programme's charity deposits the tokens and names the donor
    /// only by a non-personal reference, so that donor can follow the gift. Unspent money returns to the charity.
    /// @dev Requires the programme's licensed charity. Emits {GiftReceived}.
    function recordGift(
        uint256 programmeId,
        bytes32 donorRef,
        uint256 amount,
        bytes32 earmark,
        uint64 reallocateTo
    ) external returns (uint256 giftId);

    /// @notice After the programme's end, returns the gift's unspent money to `refundTo`, or moves it to the
    /// programme the donor chose (if that one still runs, else refunds).
    /// @dev Anyone may call. Emits {GiftSpent}, and {GiftReceived} for a reallocation.
    function settleUnspent(uint256 giftId) external returns (uint256 amount);

    /// @notice A gift as stored.
    function gift(uint256 giftId) external view returns (Gift memory);

    /// @notice How many gifts exist; ids run from 1 to this number.
    function giftCount() external view returns (uint256);

    /// @notice The gift lots of a programme, in FIFO order, from `start` (at most `limit`).
    function lotsOf(
        uint256 programmeId,
        uint256 start,
        uint256 limit
    ) external view returns (uint256[] memory);
}
