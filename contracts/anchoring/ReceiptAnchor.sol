// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.28;

import {MerkleProof} from "@openzeppelin/contracts/utils/cryptography/MerkleProof.sol";
import {IReceiptAnchor} from "../interfaces/IReceiptAnchor.sol";
import {ILicenceRegistry} from "../interfaces/ILicenceRegistry.sol";
import {LicenceKind} from "../types/AidTypes.sol";

/// @title ReceiptAnchor
/// @notice The root is the batch id, so anchoring writes a single slot: `anchoredAt (40) | count (64)`.
contract ReceiptAnchor is IReceiptAnchor {
    ILicenceRegistry private immutable _licences;
    mapping(bytes32 root => uint256 record) private _anchors;

    constructor(ILicenceRegistry licences) {
        _licences = licences;
    }

    /// @inheritdoc IReceiptAnchor
    function anchor(bytes32 root, uint64 count, string calldata uri) external {
        if (!_licences.isActive(msg.sender, LicenceKind.Registrar)) revert AnchorUnauthorized(msg.sender);
        if (root == 0 || count == 0) revert AnchorInvalid();
        if (_anchors[root] != 0) revert AnchorExists(root);
        _anchors[root] = block.timestamp | (uint256(count) << 40);
        emit ReceiptsAnchored(root, count, uri, msg.sender);
    }

    /// @inheritdoc IReceiptAnchor
    function anchorOf(bytes32 root) external view returns (uint40 anchoredAt, uint64 count) {
        uint256 record = _anchors[root];
        return (uint40(record), uint64(record >> 40));
    }

    /// @inheritdoc IReceiptAnchor
    function verifyReceipt(
        bytes32 root,
        bytes32 confirmationHash,
        bytes32[] calldata proof
    ) external view returns (bool) {
        // Hashing the leaf here is what makes an inner node unusable as a leaf: nobody knows a preimage of it.
        bytes32 leaf = keccak256(bytes.concat(confirmationHash));
        return _anchors[root] != 0 && MerkleProof.verifyCalldata(proof, root, leaf);
    }
}
