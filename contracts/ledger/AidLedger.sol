// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.28;

import {EIP712} from "@openzeppelin/contracts/utils/cryptography/EIP712.sol";
import {ILicenceRegistry} from "../interfaces/ILicenceRegistry.sol";
import {IBeneficiaryRegistry} from "../interfaces/IBeneficiaryRegistry.sol";
import {ProgrammeBook} from "./ProgrammeBook.sol";
import {RedemptionDesk} from "./RedemptionDesk.sol";

/// @title AidLedger
/// @notice The consortium's ledger of programmes, gifts, entitlements and redemptions. It is one contract so
/// that the overlap guard sees every charity's issuance and escrow moves without external calls; each
/// concept lives in its own abstract base: ProgrammeBook → GiftEscrow → EntitlementLedger → RedemptionDesk.
contract AidLedger is RedemptionDesk {
    constructor(
        ILicenceRegistry licences,
        IBeneficiaryRegistry registry
    ) ProgrammeBook(licences, registry) EIP712("SinTech AidLedger", "1") {}
}
