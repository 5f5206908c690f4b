// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.28;

import {IProgrammeBook} from "../interfaces/IProgrammeBook.sol";
import {ILicenceRegistry} from "../interfaces/ILicenceRegistry.sol";
import {IBeneficiaryRegistry} from "../interfaces/IBeneficiaryRegistry.sol";
import {LicenceKind} from "../types/AidTypes.sol";

/// @title ProgrammeBook
/// @notice Programmes, exclusivity groups and each programme's running account. Entitlements live for
/// one period, so the only commitment a programme carries is the current period's `outstanding`: when
/// the period turns (or the programme ends) it expires in O(1) and its value returns to the budget.
abstract contract ProgrammeBook is IProgrammeBook {
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
    uint32 private _programmeCount;
    uint32 private _groupCount;
    /// @dev Period, cap, layer and minimum share the first slot, so issuance reads one slot of its group.
    mapping(uint32 groupId => ExclusivityGroup) private _groups;
    mapping(uint32 groupId => mapping(address charity => bool)) private _admitted;
    mapping(uint256 programmeId => Programme) internal _programmes;
    mapping(uint256 programmeId => Book) internal _books;
    mapping(uint256 programmeId => Budget) internal _budgets;
    mapping(uint256 programmeId => Outflows) internal _outflows;
    mapping(uint256 programmeId => uint256 held) internal _held;
    mapping(uint256 programmeId => mapping(address vendor => VendorAccount)) internal _vendorAccounts;
    mapping(uint256 programmeId => mapping(address vendor => VendorCredit)) internal _vendorCredits;

    modifier onlyRegulator() {
        if (!_licences.isRegulator(msg.sender)) revert RegulatorOnly(msg.sender);
        _;
    }

    constructor(ILicenceRegistry licences, IBeneficiaryRegistry registry) {
        _licences = licences;
        _registry = registry;
    }

    /// @inheritdoc IProgrammeBook
    function createExclusivityGroup(
        ExclusivityGroupParams calldata params
    ) external onlyRegulator returns (uint32 groupId) {
        if (
            params.periodLength == 0 ||
            params.maxCoverages == 0 ||
            params.maxCoverages > MAX_GROUP_CAP ||
            params.categories == 0 ||
            address(params.token) == address(0) ||
            params.minEntitlement == 0
        ) revert ExclusivityGroupInvalid(params.periodLength, params.maxCoverages);
        groupId = ++_groupCount;
        _groups[groupId] = ExclusivityGroup({
            periodLength: params.periodLength,
            maxCoverages: params.maxCoverages,
            layer: params.layer,
            minEntitlement: params.minEntitlement,
            token: params.token,
            categories: params.categories
        });
        emit ExclusivityGroupCreated(
            groupId,
            params.layer,
            params.categories,
            address(params.token),
            params.periodLength,
            params.maxCoverages,
            params.minEntitlement
        );
    }

    /// @inheritdoc IProgrammeBook
    function setExclusivityGroupAdmission(
        uint32 groupId,
        address[] calldata charities,
        bool admitted
    ) external onlyRegulator {
        _requireGroup(groupId);
        if (charities.length > MAX_VENDORS_AT_CREATION) {
            revert ProgrammeVendorsTooMany(charities.length, MAX_VENDORS_AT_CREATION);
        }
        mapping(address => bool) storage admissions = _admitted[groupId];
        for (uint256 i; i < charities.length; ++i) {
            address charity = charities[i];
            if (charity == address(0) || admissions[charity] == admitted) {
                revert ExclusivityGroupAdmissionUnchanged(groupId, charity);
            }
            admissions[charity] = admitted;
            emit ExclusivityGroupAdmissionChanged(groupId, charity, admitted);
        }
    }

    /// @inheritdoc IProgrammeBook
    function setExclusivityGroupCap(uint32 groupId, uint8 maxCoverages) external onlyRegulator {
        ExclusivityGroup storage group = _requireGroup(groupId);
        // Lowering the cap never strands a household: existing coverages stay readable, new ones must fit.
        if (maxCoverages == 0 || maxCoverages > MAX_GROUP_CAP) {
            revert ExclusivityGroupInvalid(group.periodLength, maxCoverages);
        }
        group.maxCoverages = maxCoverages;
        emit ExclusivityGroupCapChanged(groupId, maxCoverages);
    }

    /// @inheritdoc IProgrammeBook
    function createProgramme(ProgrammeParams calldata params) external returns (uint256 programmeId) {
        if (!_licences.isLicensed(msg.sender, LicenceKind.Charity, params.layer, params.category)) {
            revert CharityUnlicensed(msg.sender, params.layer, params.category);
        }
        if (address(params.token) == address(0)) revert ProgrammeTokenZero();
        if (params.startsAt >= params.endsAt || params.endsAt <= block.timestamp) {
            revert ProgrammeWindowInvalid(params.startsAt, params.endsAt);
        }
        if (
            params.capPerPeriod == 0 ||
            params.minGift == 0 ||
            params.capPerPeriod / params.minGift >= MAX_LOTS_PER_PAYMENT
        ) revert ProgrammeLimitsInvalid(params.capPerPeriod, params.minGift);
        if (params.groupId != 0) {
            _requireJoinable(params);
        } else if (params.periodLength == 0) {
            revert ProgrammePeriodInvalid(0);
        }
        if (params.vendors.length > MAX_VENDORS_AT_CREATION) {
            revert ProgrammeVendorsTooMany(params.vendors.length, MAX_VENDORS_AT_CREATION);
        }

        programmeId = ++_programmeCount;
        _programmes[programmeId] = Programme({
            charity: msg.sender,
            startsAt: params.startsAt,
            endsAt: params.endsAt,
            layer: params.layer,
            category: params.category,
            token: params.token,
            periodLength: params.periodLength,
            groupId: params.groupId,
            paused: false,
            requiresFieldAgent: params.requiresFieldAgent,
            pausedByRegulator: false,
            capPerPeriod: params.capPerPeriod,
            minGift: params.minGift,
            metadataCid: params.metadataCid
        });
        _books[programmeId].period = uint32(block.timestamp / params.periodLength);
        emit ProgrammeCreated(
            programmeId,
            msg.sender,
            params.layer,
            params.category,
            address(params.token),
            params.groupId,
            params.periodLength,
            params.capPerPeriod,
            params.startsAt,
            params.endsAt,
            params.metadataCid
        );
        _setVendors(programmeId, params.vendors, true);
    }

    /// @inheritdoc IProgrammeBook
    function setProgrammePaused(uint256 programmeId, bool paused) external {
        (Programme storage p, bool byRegulator) = _requireCharityOrRegulator(programmeId);
        if (byRegulator) {
            // A regulator may take over a pause the charity set; pausing twice as regulator changes nothing.
            if (paused ? p.pausedByRegulator : !p.paused) revert ProgrammePauseUnchanged(programmeId, paused);
            p.pausedByRegulator = paused;
        } else {
            if (p.paused == paused) revert ProgrammePauseUnchanged(programmeId, paused);
            if (p.pausedByRegulator) revert ProgrammePausedByRegulator(programmeId);
        }
        p.paused = paused;
        emit ProgrammePauseChanged(programmeId, paused, msg.sender);
    }

    /// @inheritdoc IProgrammeBook
    function setVendorsAllowed(uint256 programmeId, address[] calldata vendors, bool allowed) external {
        _requireCharity(programmeId);
        if (vendors.length > MAX_VENDORS_AT_CREATION) {
            revert ProgrammeVendorsTooMany(vendors.length, MAX_VENDORS_AT_CREATION);
        }
        _setVendors(programmeId, vendors, allowed);
    }

    /// @inheritdoc IProgrammeBook
    function closeProgramme(uint256 programmeId) external {
        (Programme storage p, ) = _requireCharityOrRegulator(programmeId);
        if (block.timestamp >= p.endsAt) revert ProgrammeHasEnded(programmeId, p.endsAt);
        p.endsAt = uint40(block.timestamp);
        emit ProgrammeClosed(programmeId, p.endsAt, msg.sender);
        _roll(programmeId, p);
    }

    /// @inheritdoc IProgrammeBook
    function releaseExpired(uint256 programmeId) external {
        _roll(programmeId, _requireProgramme(programmeId));
    }

    /// @inheritdoc IProgrammeBook
    function programme(uint256 programmeId) external view returns (Programme memory) {
        return _requireProgramme(programmeId);
    }

    /// @inheritdoc IProgrammeBook
    function fundsOf(uint256 programmeId) public view returns (Funds memory funds) {
        Programme storage p = _requireProgramme(programmeId);
        Book storage book = _books[programmeId];
        Budget storage budget = _budgets[programmeId];
        Outflows storage outflows = _outflows[programmeId];
        uint256 outstanding = book.outstanding;
        funds.given = budget.given;
        funds.refunded = outflows.refunded;
        funds.collected = outflows.collected;
        funds.held = _held[programmeId];
        funds.paid = funds.given - funds.refunded - budget.free - outstanding;
        funds.owed = funds.paid - funds.collected;
        funds.outstanding = _liveOutstanding(p, book);
        // Entitlements of a period that has turned are free budget, whether or not `_roll` has run yet.
        funds.available = budget.free + outstanding - funds.outstanding;
    }

    /// @inheritdoc IProgrammeBook
    function isVendorAllowed(uint256 programmeId, address vendor) public view returns (bool) {
        return _vendorAccounts[programmeId][vendor].allowed;
    }

    /// @inheritdoc IProgrammeBook
    function exclusivityGroup(uint32 groupId) external view returns (ExclusivityGroup memory) {
        return _groups[groupId];
    }

    /// @inheritdoc IProgrammeBook
    function isAdmittedToGroup(uint32 groupId, address charity) external view returns (bool) {
        return _admitted[groupId][charity];
    }

    /// @inheritdoc IProgrammeBook
    function currentPeriod(uint256 programmeId) external view returns (uint32) {
        return uint32(block.timestamp / _requireProgramme(programmeId).periodLength);
    }

    /// @inheritdoc IProgrammeBook
    function programmeCount() external view returns (uint256) {
        return _programmeCount;
    }

    /// @dev Expires the previous period's entitlements when the period has turned or the programme ended,
    /// and returns the current period.
    function _roll(uint256 programmeId, Programme storage p) internal returns (uint32 period) {
        period = uint32(block.timestamp / p.periodLength);
        Book storage book = _books[programmeId];
        uint32 bookPeriod = book.period;
        if (bookPeriod != period || block.timestamp >= p.endsAt) {
            uint128 expired = book.outstanding;
            book.period = period;
            if (expired != 0) {
                book.outstanding = 0;
                // `free + outstanding <= given`, a uint128.
                unchecked {
                    _budgets[programmeId].free += expired;
                }
                emit EntitlementsExpired(programmeId, bookPeriod, expired);
            }
        }
    }

    /// @dev Outstanding entitlements that have not expired yet, without writing.
    function _liveOutstanding(Programme storage p, Book storage book) internal view returns (uint256) {
        if (block.timestamp >= p.endsAt || book.period != block.timestamp / p.periodLength) return 0;
        return book.outstanding;
    }

    /// @dev Reverts unless the programme is running and not paused; returns it.
    function _requireRunning(uint256 programmeId) internal view returns (Programme storage p) {
        p = _requireProgramme(programmeId);
        if (p.paused) revert ProgrammeIsPaused(programmeId);
        if (block.timestamp < p.startsAt) revert ProgrammeNotStarted(programmeId, p.startsAt);
        if (block.timestamp >= p.endsAt) revert ProgrammeHasEnded(programmeId, p.endsAt);
    }

    function _requireProgramme(uint256 programmeId) internal view returns (Programme storage p) {
        p = _programmes[programmeId];
        if (p.charity == address(0)) revert ProgrammeUnknown(programmeId);
    }

    /// @dev The programme's charity, still licensed for its layer and category.
    function _requireCharity(uint256 programmeId) internal view returns (Programme storage p) {
        p = _requireProgramme(programmeId);
        if (p.charity != msg.sender) revert ProgrammeCharityOnly(programmeId, msg.sender);
        if (!_licences.isLicensed(msg.sender, LicenceKind.Charity, p.layer, p.category)) {
            revert CharityUnlicensed(msg.sender, p.layer, p.category);
        }
    }

    /// @dev The regulator, or the programme's charity still licensed for its layer and category; says which.
    function _requireCharityOrRegulator(
        uint256 programmeId
    ) private view returns (Programme storage p, bool byRegulator) {
        p = _requireProgramme(programmeId);
        if (_licences.isRegulator(msg.sender)) return (p, true);
        if (p.charity != msg.sender) revert ProgrammeCharityOrRegulatorOnly(programmeId, msg.sender);
        if (!_licences.isLicensed(msg.sender, LicenceKind.Charity, p.layer, p.category)) {
            revert CharityUnlicensed(msg.sender, p.layer, p.category);
        }
    }

    /// @dev A new programme may join its group only if it matches the group and its charity was admitted.
    function _requireJoinable(ProgrammeParams calldata params) private view {
        ExclusivityGroup storage group = _requireGroup(params.groupId);
        if (params.periodLength != group.periodLength) revert ProgrammePeriodInvalid(params.periodLength);
        if (
            params.layer != group.layer ||
            (group.categories >> params.category) & 1 == 0 ||
            params.token != group.token
        ) revert ExclusivityGroupMismatch(params.groupId);
        if (!_admitted[params.groupId][msg.sender]) {
            revert ExclusivityGroupAdmissionRequired(params.groupId, msg.sender);
        }
        if (params.capPerPeriod < group.minEntitlement) {
            revert ProgrammeLimitsInvalid(params.capPerPeriod, params.minGift);
        }
    }

    function _requireGroup(uint32 groupId) internal view returns (ExclusivityGroup storage group) {
        group = _groups[groupId];
        if (group.periodLength == 0) revert ExclusivityGroupUnknown(groupId);
    }

    /// @dev How many covers a household may hold per period in the programme's scope, and the least one may
    /// carry; reverts unless the programme's charity is (still) admitted to its group.
    function _scopeRules(
        uint32 groupId,
        address charity
    ) internal view returns (uint8 cap, uint96 minEntitlement) {
        if (groupId == 0) return (1, 1);
        if (!_admitted[groupId][charity]) revert ExclusivityGroupAdmissionRequired(groupId, charity);
        ExclusivityGroup storage group = _groups[groupId];
        return (group.maxCoverages, group.minEntitlement);
    }

    function _setVendors(uint256 programmeId, address[] calldata vendors, bool allowed) private {
        for (uint256 i; i < vendors.length; ++i) {
            address vendor = vendors[i];
            VendorAccount storage account = _vendorAccounts[programmeId][vendor];
            if (vendor == address(0) || account.allowed == allowed) {
                revert VendorListUnchanged(programmeId, vendor);
            }
            // A disallowed vendor keeps what it is owed.
            account.allowed = allowed;
            emit VendorAllowanceChanged(programmeId, vendor, allowed);
        }
    }
}
