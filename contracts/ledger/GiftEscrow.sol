// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.28;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";
import {Arrays} from "@openzeppelin/contracts/utils/Arrays.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";
import {IGiftEscrow} from "../interfaces/IGiftEscrow.sol";
import {ProgrammeBook} from "./ProgrammeBook.sol";
import {Outflow} from "../types/AidTypes.sol";

/// @title GiftEscrow
/// @notice Gift lots and FIFO attribution of outflows. Settlements only happen while a programme runs and
/// refunds only after it ends, so while settling, a lot's free money is `amount - paid`.
abstract contract GiftEscrow is IGiftEscrow, ProgrammeBook, ReentrancyGuardTransient {
    using SafeERC20 for IERC20;
    using SafeCast for uint256;
    using Arrays for uint256[];

    uint256 private _giftCount;
    mapping(uint256 giftId => Gift) private _gifts;
    mapping(uint256 programmeId => uint256[] giftIds) private _lots;

    /// @inheritdoc IGiftEscrow
    function give(
        uint256 programmeId,
        uint256 amount,
        bytes32 earmark,
        address refundTo,
        uint64 reallocateTo
    ) external nonReentrant returns (uint256 giftId) {
        if (refundTo == address(0)) refundTo = msg.sender;
        giftId = _receive(programmeId, msg.sender, 0, amount, earmark, refundTo, reallocateTo);
    }

    /// @inheritdoc IGiftEscrow
    function recordGift(
        uint256 programmeId,
        bytes32 donorRef,
        uint256 amount,
        bytes32 earmark,
        uint64 reallocateTo
    ) external nonReentrant returns (uint256 giftId) {
        _requireCharity(programmeId);
        if (donorRef == 0) revert DonorRefZero();
        giftId = _receive(programmeId, msg.sender, donorRef, amount, earmark, msg.sender, reallocateTo);
    }

    /// @inheritdoc IGiftEscrow
    function settleUnspent(uint256 giftId) external nonReentrant returns (uint256 amount) {
        Gift storage g = _gifts[giftId];
        if (g.donor == address(0)) revert GiftUnknown(giftId);
        uint256 programmeId = g.programmeId;
        Programme storage p = _programmes[programmeId];
        if (block.timestamp < p.endsAt) revert ProgrammeStillRunning(programmeId, p.endsAt);
        _roll(programmeId, p);
        amount = g.amount - g.paid - g.refunded;
        if (amount == 0) revert GiftFullySettled(giftId);

        // `amount` is the gift's unspent part, so it fits the gift's 96 bits, and the programme's `free` budget
        // (after `_roll`, the sum of its gifts' unspent parts) covers it.
        unchecked {
            g.refunded += uint96(amount);
            _budgets[programmeId].free -= uint128(amount);
            _outflows[programmeId].refunded += uint128(amount);
        }

        uint64 target = g.reallocateTo;
        if (_canReallocate(target, amount)) {
            // The new gift keeps the donor's identity and refund choice; lineage is the pair of events.
            uint256 newGiftId = _book(target, g.donor, g.donorRef, amount, bytes32(giftId), g.refundTo, 0);
            emit GiftSpent(giftId, programmeId, amount, Outflow.Reallocation, bytes32(newGiftId));
        } else {
            address to = g.refundTo;
            emit GiftSpent(giftId, programmeId, amount, Outflow.Refund, bytes32(uint256(uint160(to))));
            p.token.safeTransfer(to, amount);
        }
    }

    /// @inheritdoc IGiftEscrow
    function gift(uint256 giftId) external view returns (Gift memory) {
        Gift storage g = _gifts[giftId];
        if (g.donor == address(0)) revert GiftUnknown(giftId);
        return g;
    }

    /// @inheritdoc IGiftEscrow
    function giftCount() external view returns (uint256) {
        return _giftCount;
    }

    /// @inheritdoc IGiftEscrow
    function lotsOf(
        uint256 programmeId,
        uint256 start,
        uint256 limit
    ) external view returns (uint256[] memory page) {
        uint256[] storage lots = _lots[programmeId];
        if (start >= lots.length) return page;
        // Compared as `limit` against what is left, so a "the rest" limit of type(uint256).max cannot overflow.
        uint256 end = limit > lots.length - start ? lots.length : start + limit;
        page = new uint256[](end - start);
        for (uint256 i = start; i < end; ++i) page[i - start] = lots[i];
    }

    /// @dev Takes `amount` out of the programme's lots in FIFO order for a settlement identified by `ref`.
    /// The loop is bounded: a payment is at most `capPerPeriod` and every lot holds at least `minGift`,
    /// with `capPerPeriod / minGift < MAX_LOTS_PER_PAYMENT` checked at creation.
    function _attributeSettlement(uint256 programmeId, uint256 amount, bytes32 ref) internal {
        Book storage book = _books[programmeId];
        uint256[] storage lots = _lots[programmeId];
        uint256 cursor = book.lotCursor;
        while (amount != 0) {
            // In bounds: `amount` is at most the programme's unspent escrow, which lies in lots at or after
            // the cursor, so the loop ends before it passes the last lot.
            uint256 giftId = lots.unsafeAccess(cursor).value;
            Gift storage g = _gifts[giftId];
            uint256 free = g.amount - g.paid;
            uint256 take = free < amount ? free : amount;
            // `take <= free`, which fits a uint96, and `amount >= take`.
            unchecked {
                g.paid += uint96(take);
                amount -= take;
            }
            emit GiftSpent(giftId, programmeId, take, Outflow.Settlement, ref);
            if (take == free) ++cursor;
        }
        book.lotCursor = cursor.toUint32();
    }

    /// @dev Returns `amount` of settled money to the programme's budget and its lots, for the settlement
    /// identified by `ref`. It un-spends the most recently spent lots (LIFO), which leaves every lot exactly
    /// as FIFO attribution of the lower total would have: lots before the cursor fully paid, none after it.
    /// The exact lots of one redemption are known only from its {GiftSpent} events; what is reversed is
    /// money of the programme, and the lots that paid later redemptions keep their lineage. The loop is
    /// bounded like {_attributeSettlement}: `amount` is at most one receipt's amount, at most `capPerPeriod`.
    function _reverseSettlement(uint256 programmeId, uint256 amount, bytes32 ref) internal {
        Book storage book = _books[programmeId];
        uint256[] storage lots = _lots[programmeId];
        uint256 index = book.lotCursor;
        // The cursor may sit past the last lot, or on a lot nothing was taken from yet.
        if (index == lots.length || _gifts[lots.unsafeAccess(index).value].paid == 0) --index;
        // `amount <= paid`, the sum of the lots' `paid`, all in lots up to the cursor: the loop stops at lot 0.
        unchecked {
            _budgets[programmeId].free += uint128(amount);
            while (true) {
                uint256 giftId = lots.unsafeAccess(index).value;
                Gift storage g = _gifts[giftId];
                uint256 paid = g.paid;
                uint256 back = paid < amount ? paid : amount;
                g.paid = uint96(paid - back);
                amount -= back;
                emit GiftSettlementReversed(giftId, programmeId, back, ref);
                if (amount == 0) break;
                --index;
            }
        }
        book.lotCursor = uint32(index);
    }

    /// @dev A donor's reallocation is honoured only into a running, unpaused programme that accepts the amount;
    /// otherwise the money is refunded, so settling can never get stuck.
    function _canReallocate(uint64 target, uint256 amount) private view returns (bool) {
        if (target == 0) return false;
        Programme storage p = _programmes[target];
        return block.timestamp < p.endsAt && !p.paused && amount >= p.minGift && amount <= type(uint96).max;
    }

    function _receive(
        uint256 programmeId,
        address donor,
        bytes32 donorRef,
        uint256 amount,
        bytes32 earmark,
        address refundTo,
        uint64 reallocateTo
    ) private returns (uint256 giftId) {
        Programme storage p = _requireProgramme(programmeId);
        if (block.timestamp >= p.endsAt) revert ProgrammeHasEnded(programmeId, p.endsAt);
        // Money refunded to the ledger would stay in escrow, counted as refunded yet held. Both ways in
        // pass here; a reallocated gift keeps the refund address checked when it first arrived.
        if (refundTo == address(this)) revert GiftRefundRecipientInvalid(refundTo);
        if (reallocateTo != 0) {
            Programme storage target = _programmes[reallocateTo];
            if (target.charity == address(0) || reallocateTo == programmeId || target.token != p.token) {
                revert ReallocationTargetInvalid(reallocateTo);
            }
        }
        IERC20 token = p.token;
        uint256 before = token.balanceOf(address(this));
        token.safeTransferFrom(msg.sender, address(this), amount);
        uint256 received = token.balanceOf(address(this)) - before;
        if (received != amount) revert TokenTransferMismatch(amount, received);
        giftId = _book(programmeId, donor, donorRef, amount, earmark, refundTo, reallocateTo);
    }

    /// @dev Books a lot whose tokens are already held by this contract.
    function _book(
        uint256 programmeId,
        address donor,
        bytes32 donorRef,
        uint256 amount,
        bytes32 earmark,
        address refundTo,
        uint64 reallocateTo
    ) private returns (uint256 giftId) {
        Programme storage p = _programmes[programmeId];
        if (amount < p.minGift) revert GiftTooSmall(amount, p.minGift);
        if (amount > type(uint96).max) revert GiftTooLarge(amount);
        giftId = ++_giftCount;
        _gifts[giftId] = Gift({
            donor: donor,
            refunded: 0,
            amount: uint96(amount),
            paid: 0,
            programmeId: uint64(programmeId),
            refundTo: refundTo,
            reallocateTo: reallocateTo,
            donorRef: donorRef
        });
        _lots[programmeId].push(giftId);
        Budget storage budget = _budgets[programmeId];
        // Checked: 128 bits hold 2^32 gifts of the largest lot, so only an absurd number of gifts overflows.
        budget.given += uint128(amount);
        // `free <= given`.
        unchecked {
            budget.free += uint128(amount);
        }
        emit GiftReceived(giftId, programmeId, donor, donorRef, amount, earmark, refundTo, reallocateTo);
    }
}
