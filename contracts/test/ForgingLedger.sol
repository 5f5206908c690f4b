// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.28;

import {IERC1155} from "@openzeppelin/contracts/token/ERC1155/IERC1155.sol";
import {EIP712} from "@openzeppelin/contracts/utils/cryptography/EIP712.sol";
import {IGiftEscrow} from "../interfaces/IGiftEscrow.sol";
import {IRedemptionDesk} from "../interfaces/IRedemptionDesk.sol";
import {Outflow} from "../types/AidTypes.sol";
import {entitlementIdOf, householdAccountOf} from "../types/HouseholdAccounts.sol";

/// @title ForgingLedger (tests only)
/// @notice A tampered ledger for the audit's tests: its `redeem` has the real one's selector and emits the
/// real one's events (burn, {IRedemptionDesk-DeliveryRedeemed}, one {IGiftEscrow-GiftSpent} from `giftId`)
/// but checks nothing: no signature, no licence, no entitlement, and it writes no storage. A test puts its
/// code at the real ledger's address for one transaction (`hardhat_setCode`) and back, leaving on chain a
/// redemption the real ledger would have refused, which the independent verifier must find and name.
contract ForgingLedger is EIP712 {
    bytes32 private constant _RECEIPT_TYPEHASH = keccak256(
        "DeliveryReceipt(uint256 programmeId,bytes32 beneficiaryRef,bytes32 householdRef,address vendor,"
        "uint256 amount,bytes32 evidenceHash,uint256 nonce,uint256 deadline)"
    );
    uint256 private immutable _giftId;

    constructor(uint256 giftId) EIP712("SinTech AidLedger", "1") {
        _giftId = giftId;
    }

    /// @notice Emits a redemption of `receipt` as if every check had passed.
    function redeem(
        IRedemptionDesk.DeliveryReceipt calldata receipt,
        bytes calldata,
        bytes calldata
    ) external returns (bytes32 redemptionId) {
        redemptionId = _hashTypedDataV4(
            keccak256(
                abi.encode(
                    _RECEIPT_TYPEHASH,
                    receipt.programmeId,
                    receipt.beneficiaryRef,
                    receipt.householdRef,
                    receipt.vendor,
                    receipt.amount,
                    receipt.evidenceHash,
                    receipt.nonce,
                    receipt.deadline
                )
            )
        );
        uint32 period = uint32(receipt.nonce >> 8);
        emit IERC1155.TransferSingle(
            msg.sender,
            householdAccountOf(receipt.householdRef),
            address(0),
            entitlementIdOf(receipt.programmeId, period),
            receipt.amount
        );
        emit IRedemptionDesk.DeliveryRedeemed(
            redemptionId,
            receipt.programmeId,
            receipt.householdRef,
            receipt.beneficiaryRef,
            msg.sender,
            receipt.amount,
            receipt.evidenceHash,
            address(0)
        );
        emit IGiftEscrow.GiftSpent(
            _giftId,
            receipt.programmeId,
            receipt.amount,
            Outflow.Settlement,
            redemptionId
        );
    }
}
