// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.28;

/// @title Anchors of off-chain delivery confirmations.
/// @notice The gateway collects confirmations (app signatures, SMS codes, PIN cards), some while offline,
/// and a licensed registrar anchors each batch as a Merkle root. Anyone can check an inclusion proof.
interface IReceiptAnchor {
    /// @notice The caller is not an active licensed registrar.
    error AnchorUnauthorized(address caller);
    /// @notice The root is zero or the count is zero.
    error AnchorInvalid();
    /// @notice The root was already anchored.
    error AnchorExists(bytes32 root);

    /// @notice Emitted for each anchored batch.
    event ReceiptsAnchored(bytes32 indexed root, uint64 count, string uri, address indexed registrar);

    /// @notice Anchors a batch of `count` confirmations under `root`; `uri` locates the batch file.
    /// @dev Requires an active registrar licence. One storage slot whatever the batch size.
    /// Emits {ReceiptsAnchored}.
    function anchor(bytes32 root, uint64 count, string calldata uri) external;

    /// @notice When a root was anchored and how many confirmations it holds (zeros if never).
    function anchorOf(bytes32 root) external view returns (uint40 anchoredAt, uint64 count);

    /// @notice Whether the confirmation hashed as `confirmationHash` is in the anchored batch `root`.
    /// @dev `confirmationHash` is `keccak256(abi.encode(...fields))`; the leaf is hashed once more here
    /// (OpenZeppelin's standard double-hashed leaf), so an inner node of the tree with a shortened proof
    /// cannot pass for a confirmation.
    function verifyReceipt(
        bytes32 root,
        bytes32 confirmationHash,
        bytes32[] calldata proof
    ) external view returns (bool);
}
