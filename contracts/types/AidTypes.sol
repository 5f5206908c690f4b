// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.28;

/// @notice The three layers of social protection in the Sin Tech report: relief, support, insurance.
enum Layer {
    Relief,
    Support,
    Insurance
}

/// @notice What a licence authorises its holder to be.
enum LicenceKind {
    None,
    Charity,
    Vendor,
    FieldAgent,
    Auditor,
    Registrar,
    Coordinator
}

/// @notice Lifecycle of a licence. `Revoked` is final; `RevocationPending` is inactive and ends either
/// cancelled (back to the status it had) or finalised (`Revoked`).
enum LicenceStatus {
    None,
    Active,
    Suspended,
    Revoked,
    RevocationPending
}

/// @notice Lifecycle of a registered beneficiary. `Deceased` is final.
enum BeneficiaryStatus {
    None,
    Active,
    Suspended,
    Deceased
}

/// @notice Why escrowed money left a gift lot.
enum Outflow {
    Settlement,
    Refund,
    Reallocation
}

/// @notice State of a redemption's dispute.
enum DisputeStatus {
    None,
    Flagged,
    Upheld,
    Dismissed
}

/// @notice Standing of a time-bank member. `Removed` is final.
enum MemberStatus {
    None,
    Active,
    Suspended,
    Removed
}
