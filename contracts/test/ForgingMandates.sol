// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.28;

import {EIP712} from "@openzeppelin/contracts/utils/cryptography/EIP712.sol";
import {IPremiumMandates} from "../interfaces/IPremiumMandates.sol";

/// @title ForgingMandates (tests only)
/// @notice A tampered PremiumMandates for the audit's tests: its `acceptMandate` has the real one's selector
/// and emits the real one's {IPremiumMandates-MandateAccepted}, with the real id and the named signer, but
/// checks no signature and stores nothing. A test puts its code at PremiumMandates' address for one
/// transaction (`hardhat_setCode`) and back, leaving on chain a mandate no member signed, which the
/// independent verifier must find, with every redemption it approves.
contract ForgingMandates is EIP712 {
    bytes32 private constant _MANDATE_TYPEHASH = keccak256(
        "StandingMandate(uint256 programmeId,bytes32 householdRef,bytes32 beneficiaryRef,address insurer,"
        "uint256 premiumPerPeriod,uint32 firstPeriod,uint32 lastPeriod,uint8 receiptIndex,uint256 nonce,"
        "uint256 deadline)"
    );
    address private immutable _namedSigner;

    /// @param namedSigner The signer the forged event names (the beneficiary's wallet, who signed nothing).
    constructor(address namedSigner) EIP712("Sin Tech PremiumMandates", "1") {
        _namedSigner = namedSigner;
    }

    /// @notice Emits an acceptance of `m` as if its signature had been checked.
    function acceptMandate(
        IPremiumMandates.StandingMandate calldata m,
        bytes calldata signature
    ) external returns (bytes32 mandateId) {
        mandateId = _hashTypedDataV4(
            keccak256(
                abi.encode(
                    _MANDATE_TYPEHASH,
                    m.programmeId,
                    m.householdRef,
                    m.beneficiaryRef,
                    m.insurer,
                    m.premiumPerPeriod,
                    m.firstPeriod,
                    m.lastPeriod,
                    m.receiptIndex,
                    m.nonce,
                    m.deadline
                )
            )
        );
        emit IPremiumMandates.MandateAccepted(
            mandateId,
            m.programmeId,
            m.householdRef,
            m.beneficiaryRef,
            m.insurer,
            m.premiumPerPeriod,
            m.firstPeriod,
            m.lastPeriod,
            m.receiptIndex,
            m.nonce,
            m.deadline,
            _namedSigner,
            signature
        );
    }
}
