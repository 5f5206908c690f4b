// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.28;

import {IERC1271} from "@openzeppelin/contracts/interfaces/IERC1271.sol";
import {ECDSA} from "@openzeppelin/contracts/utils/cryptography/ECDSA.sol";

/// @title TestSmartWallet
/// @notice Test-only ERC-1271 wallet standing in for a Safe: it approves a digest its owner signed. Its mode
/// makes it misbehave the ways a contract wallet can. Never deployed outside tests.
contract TestSmartWallet is IERC1271 {
    /// @notice How the wallet answers {isValidSignature}.
    enum Mode {
        Owner, // the magic value if the owner signed the digest, 0xffffffff otherwise
        WrongMagic, // a wrong value whatever the signature
        Reverts // reverts whatever the signature
    }

    /// @notice The wallet was asked in `Reverts` mode.
    error TestSmartWalletRefused();

    address private immutable _owner;
    Mode private _mode;

    constructor(address owner) {
        _owner = owner;
    }

    /// @notice Sets how the wallet answers.
    function setMode(Mode mode) external {
        _mode = mode;
    }

    /// @inheritdoc IERC1271
    function isValidSignature(bytes32 hash, bytes calldata signature) external view returns (bytes4) {
        Mode mode = _mode;
        if (mode == Mode.Reverts) revert TestSmartWalletRefused();
        if (mode == Mode.WrongMagic) return bytes4(keccak256("not the magic value"));
        (address signer, ECDSA.RecoverError error, ) = ECDSA.tryRecoverCalldata(hash, signature);
        return
            error == ECDSA.RecoverError.NoError && signer == _owner
                ? this.isValidSignature.selector
                : bytes4(0xffffffff);
    }
}
