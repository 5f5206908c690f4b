// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.28;

import {IProgrammeBook} from "../interfaces/IProgrammeBook.sol";
import {ILicenceRegistry} from "../interfaces/ILicenceRegistry.sol";
import {IBeneficiaryRegistry} from "../interfaces/IBeneficiaryRegistry.sol";

/// @title ProgrammeState
/// @notice The storage of programmes, exclusivity groups and their accounts, shared by the ledger and by
/// {ProgrammeSetup}, whose code the ledger runs against this same storage (delegatecall) to create
/// programmes and groups. It must stay the first contract to declare storage in both, so that both see
/// every variable at the same slot; it declares no external function.
abstract contract ProgrammeState {
    /// @notice Most coverages per household and period a group may allow.
    uint8 public constant MAX_GROUP_CAP = 8;
    /// @notice Most vendors one call may allow or disallow.
    uint256 public constant MAX_VENDORS_AT_CREATION = 50;
    /// @notice Most gift lots one capped payment may touch: bounds every FIFO attribution loop.
    uint256 public constant MAX_LOTS_PER_PAYMENT = 64;

    /// @dev The account touched by every issuance and redemption, packed in one slot. A redemption moves money
    /// from `outstanding` to `paid` and leaves the budget's commitments unchanged, so `paid` is not stored:
    /// it is `given - refunded - free - outstanding` and a redemption writes this slot alone.
    struct Book {
        uint32 period;
        uint32 lotCursor;
        uint128 outstanding;
    }

    /// @dev Money in and the part of it nothing claims yet (not paid, not outstanding, not refunded): gifts,
    /// issuance, expiry and upheld disputes write this slot. Every total is at most `given`, which 128 bits
    /// hold for 2^32 gifts of the largest lot.
    struct Budget {
        uint128 given;
        uint128 free;
    }

    /// @dev Money out of escrow, touched only by end-of-programme settlements and vendors' collections.
    struct Outflows {
        uint128 refunded;
        uint128 collected;
    }

    /// @dev A vendor's standing in one programme, in one slot: redemption reads `allowed` and credits `pending`
    /// (the credit of the vendor's latest settlement group, still inside its dispute window) with one cold read
    /// and one write. A settlement group is a run of periods at least `DISPUTE_WINDOW` long (see RedemptionDesk).
    struct VendorAccount {
        bool allowed;
        uint32 group;
        uint128 pending;
    }

    /// @dev The rest of a vendor's credit, written when its first redemption of a new group rolls the account,
    /// when it collects, and by disputes. `earlier` is the credit of group `VendorAccount.group - 1`, whose window
    /// may still be open; `held` is what open flags hold out of the credit.
    struct VendorCredit {
        uint128 earlier;
        uint128 collectable;
        uint128 held;
    }

    ILicenceRegistry internal immutable _licences;
    IBeneficiaryRegistry internal immutable _registry;

    /// @dev 32 bits, so a coverage record can name its programme in 32 bits; `++` reverts past that.
    uint32 internal _programmeCount;
    uint32 internal _groupCount;
    /// @dev Period, cap, layer and minimum share the first slot, so issuance reads one slot of its group.
    mapping(uint32 groupId => IProgrammeBook.ExclusivityGroup) internal _groups;
    mapping(uint32 groupId => mapping(address charity => bool)) internal _admitted;
    mapping(uint256 programmeId => IProgrammeBook.Programme) internal _programmes;
    mapping(uint256 programmeId => Book) internal _books;
    mapping(uint256 programmeId => Budget) internal _budgets;
    mapping(uint256 programmeId => Outflows) internal _outflows;
    mapping(uint256 programmeId => uint256 held) internal _held;
    mapping(uint256 programmeId => mapping(address vendor => VendorAccount)) internal _vendorAccounts;
    mapping(uint256 programmeId => mapping(address vendor => VendorCredit)) internal _vendorCredits;

    modifier onlyRegulator() {
        if (!_licences.isRegulator(msg.sender)) revert IProgrammeBook.RegulatorOnly(msg.sender);
        _;
    }

    constructor(ILicenceRegistry licences, IBeneficiaryRegistry registry) {
        _licences = licences;
        _registry = registry;
    }

    function _requireGroup(
        uint32 groupId
    ) internal view returns (IProgrammeBook.ExclusivityGroup storage group) {
        group = _groups[groupId];
        if (group.periodLength == 0) revert IProgrammeBook.ExclusivityGroupUnknown(groupId);
    }

    function _setVendors(uint256 programmeId, address[] calldata vendors, bool allowed) internal {
        for (uint256 i; i < vendors.length; ++i) {
            address vendor = vendors[i];
            VendorAccount storage account = _vendorAccounts[programmeId][vendor];
            if (vendor == address(0) || account.allowed == allowed) {
                revert IProgrammeBook.VendorListUnchanged(programmeId, vendor);
            }
            // A disallowed vendor keeps what it is owed.
            account.allowed = allowed;
            emit IProgrammeBook.VendorAllowanceChanged(programmeId, vendor, allowed);
        }
    }
}
