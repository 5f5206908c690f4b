// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.28;

import {EIP712} from "@openzeppelin/contracts/utils/cryptography/EIP712.sol";
import {ILicenceRegistry} from "../interfaces/ILicenceRegistry.sol";
import {IBeneficiaryRegistry} from "../interfaces/IBeneficiaryRegistry.sol";
import {IPremiumMandates} from "../interfaces/IPremiumMandates.sol";
import {ProgrammeBook} from "./ProgrammeBook.sol";
import {RedemptionDesk} from "./RedemptionDesk.sol";
import {RedemptionBatch} from "./RedemptionBatch.sol";

/// @title AidLedger
/// @notice The consortium's ledger of programmes, gifts, entitlements and redemptions. It is one contract so
/// that the overlap guard sees every charity's issuance and escrow moves without external calls; each
/// concept lives in its own abstract base: ProgrammeBook → GiftEscrow → EntitlementLedger → RedemptionDesk →
/// RedemptionBatch.
/// Creating programmes and exclusivity groups runs in {ProgrammeSetup}'s code against this contract's storage,
/// which keeps this contract under the EIP-170 size limit.
contract AidLedger is RedemptionBatch {
    /// @param setup A {ProgrammeSetup} deployed with the same licence and beneficiary registries.
    /// @param mandates A {PremiumMandates} deployed with the same beneficiary registry.
    constructor(
        ILicenceRegistry licences,
        IBeneficiaryRegistry registry,
        address setup,
        IPremiumMandates mandates
    ) ProgrammeBook(licences, registry, setup) RedemptionDesk(mandates) EIP712("SinTech AidLedger", "1") {}
}
