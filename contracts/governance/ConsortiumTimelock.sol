// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.28;

import {TimelockController} from "@openzeppelin/contracts/governance/TimelockController.sol";

/// @title ConsortiumTimelock
/// @notice The default admin of the licence registry: appointing or removing a regulator is proposed by a
/// consortium member and executes only after `minDelay`, in public view. Members are proposers, executors
/// and cancellers; the timelock administers itself.
contract ConsortiumTimelock is TimelockController {
    constructor(
        uint256 minDelay,
        address[] memory members
    ) TimelockController(minDelay, members, members, address(0)) {}
}
