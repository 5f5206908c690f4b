// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.28;

import {IProgrammeBook} from "../interfaces/IProgrammeBook.sol";
import {ILicenceRegistry} from "../interfaces/ILicenceRegistry.sol";
import {IBeneficiaryRegistry} from "../interfaces/IBeneficiaryRegistry.sol";
import {LicenceKind} from "../types/AidTypes.sol";
import {ProgrammeState} from "./ProgrammeState.sol";

/// @title ProgrammeBook
/// @notice Programmes, exclusivity groups and each programme's running account. Entitlements live for
/// one period, so the only commitment a programme carries is the current period's `outstanding`: when
/// the period turns (or the programme ends) it expires in O(1) and its value returns to the budget.
abstract contract ProgrammeBook is IProgrammeBook, ProgrammeState {
    /// @dev {ProgrammeSetup}, whose code creates programmes and groups against this contract's storage.
    address private immutable _setup;

    constructor(
        ILicenceRegistry licences,
        IBeneficiaryRegistry registry,
        address setup
    ) ProgrammeState(licences, registry) {
        _setup = setup;
    }

    /// @inheritdoc IProgrammeBook
    function createExclusivityGroup(ExclusivityGroupParams calldata) external returns (uint32) {
        _runSetup();
    }

    /// @inheritdoc IProgrammeBook
    function setExclusivityGroupAdmission(uint32, address[] calldata, bool) external {
        _runSetup();
    }

    /// @inheritdoc IProgrammeBook
    function setExclusivityGroupCap(uint32, uint8) external {
        _runSetup();
    }

    /// @inheritdoc IProgrammeBook
    function createProgramme(ProgrammeParams calldata) external returns (uint256) {
        _runSetup();
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

    /// @dev Runs this call's calldata in {ProgrammeSetup}'s code against this contract's storage and ends the
    /// call with its result: its return data, or its revert.
    function _runSetup() private {
        address setup = _setup;
        // solhint-disable-next-line no-inline-assembly
        assembly ("memory-safe") {
            let ptr := mload(0x40)
            calldatacopy(ptr, 0, calldatasize())
            let ok := delegatecall(gas(), setup, ptr, calldatasize(), 0, 0)
            returndatacopy(ptr, 0, returndatasize())
            if iszero(ok) {
                revert(ptr, returndatasize())
            }
            return(ptr, returndatasize())
        }
    }
}
