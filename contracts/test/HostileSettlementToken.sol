// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.28;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";

/// @title HostileSettlementToken
/// @notice Test-only token that misbehaves on demand, to test the ledger's defences: it can keep a fee out of
/// every `transferFrom`, and it can call back into another contract in the middle of any transfer (a token
/// with transfer hooks, as ERC-777 and some stablecoins have). Never deployed outside tests.
contract HostileSettlementToken is ERC20 {
    uint256 public feeOnTransferFrom;
    address public hookTarget;
    bytes public hookCall;
    bool private _inHook;

    constructor() ERC20("Hostile Rial", "hIRR") {}

    /// @notice Mints `amount` to `to`.
    function mint(address to, uint256 amount) external {
        _mint(to, amount);
    }

    /// @notice Keeps `fee` of every later `transferFrom` (burned), so the recipient gets less than it asked.
    function setFeeOnTransferFrom(uint256 fee) external {
        feeOnTransferFrom = fee;
    }

    /// @notice Calls `target` with `data` during every later transfer; a revert there reverts the transfer.
    function setHook(address target, bytes calldata data) external {
        hookTarget = target;
        hookCall = data;
    }

    function transferFrom(address from, address to, uint256 value) public override returns (bool) {
        uint256 fee = feeOnTransferFrom;
        if (fee != 0) {
            _spendAllowance(from, msg.sender, value);
            _burn(from, fee);
            _transfer(from, to, value - fee);
            return true;
        }
        return super.transferFrom(from, to, value);
    }

    function _update(address from, address to, uint256 value) internal override {
        super._update(from, to, value);
        address target = hookTarget;
        if (target == address(0) || _inHook) return;
        _inHook = true;
        // solhint-disable-next-line avoid-low-level-calls
        (bool ok, bytes memory reason) = target.call(hookCall);
        _inHook = false;
        if (!ok) {
            // Bubbles the callee's revert data, so the outermost caller sees the ledger's own error.
            // solhint-disable-next-line no-inline-assembly
            assembly ("memory-safe") {
                revert(add(reason, 0x20), mload(reason))
            }
        }
    }
}
