// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.28;

/// @notice The household's account: the one address that holds a household's entitlements, whichever member
/// signs for it. The low 160 bits of `keccak256(abi.encode(householdRef))`, whose low 88 bits are the tag the
/// registry stores the household under. Nobody holds its key, and no rebind or status change moves it.
function householdAccountOf(bytes32 householdRef) pure returns (address account) {
    // Hashed in scratch space: no allocation on every batch entry.
    // solhint-disable-next-line no-inline-assembly
    assembly ("memory-safe") {
        mstore(0x00, householdRef)
        account := and(keccak256(0x00, 0x20), 0xffffffffffffffffffffffffffffffffffffffff)
    }
}

/// @notice The ERC-1155 id of a programme's entitlements for one period: `programmeId << 32 | period`. A new
/// period is a new id, so a period's turn changes no balance: an expired id is simply no longer redeemable.
function entitlementIdOf(uint256 programmeId, uint32 period) pure returns (uint256) {
    return (programmeId << 32) | period;
}
