// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.28;

import {IRedemptionDesk} from "../interfaces/IRedemptionDesk.sol";
import {RedemptionDesk} from "./RedemptionDesk.sol";

/// @title RedemptionBatch
/// @notice Many receipts in one transaction, each redeemed by {RedemptionDesk-redeem}'s own code through a
/// `delegatecall` to this contract: the sender, the storage and the events stay the ledger's, and a refused
/// receipt reverts only its own frame. There is so one set of checks for one receipt or many, and nothing a
/// batch can do that the same receipts sent one by one could not. What a batch saves is what makes a lone
/// redemption dear: the transaction's base cost, and the first (cold) touch of the programme, the vendor's
/// credit, the programme's book, the gift lot, the licence and registry contracts; later items find them warm
/// and rewrite an already written slot for 100 gas.
abstract contract RedemptionBatch is RedemptionDesk {
    /// @inheritdoc IRedemptionDesk
    uint256 public constant MAX_REDEEM_BATCH = 256;

    /// @inheritdoc IRedemptionDesk
    function redeemBatch(SignedReceipt[] calldata items) external returns (uint256 redeemed) {
        uint256 size = items.length;
        if (size == 0 || size > MAX_REDEEM_BATCH) revert RedemptionBatchSizeInvalid(size, MAX_REDEEM_BATCH);
        for (uint256 i; i < size; ++i) {
            SignedReceipt calldata item = items[i];
            // solhint-disable-next-line avoid-low-level-calls
            (bool ok, bytes memory reason) = address(this).delegatecall(
                abi.encodeCall(
                    IRedemptionDesk.redeem,
                    (item.receipt, item.beneficiarySignature, item.fieldAgentSignature)
                )
            );
            if (ok) {
                redeemed |= 1 << i;
            } else {
                // Every refusal of `redeem` carries an error; only running out of gas leaves none.
                if (reason.length < 4) revert RedemptionBatchOutOfGas(i);
                emit RedemptionRefused(
                    _hashTypedDataV4(_hashReceipt(item.receipt)),
                    msg.sender,
                    bytes4(reason),
                    i,
                    reason
                );
            }
        }
    }
}
