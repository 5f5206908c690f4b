// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.28;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";

/// @title TestSettlementToken
/// @notice Test-only stand-in for a settlement stablecoin: anyone may mint. Never deployed outside tests
/// and the embedded demo chain.
contract TestSettlementToken is ERC20 {
    constructor() ERC20("Test Rial", "tIRR") {}

    /// @notice Mints `amount` to `to`.
    function mint(address to, uint256 amount) external {
        _mint(to, amount);
    }
}
