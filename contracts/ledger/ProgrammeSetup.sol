// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.28;

import {IProgrammeBook} from "../interfaces/IProgrammeBook.sol";
import {ILicenceRegistry} from "../interfaces/ILicenceRegistry.sol";
import {IBeneficiaryRegistry} from "../interfaces/IBeneficiaryRegistry.sol";
import {LicenceKind} from "../types/AidTypes.sol";
import {ProgrammeState} from "./ProgrammeState.sol";

/// @title ProgrammeSetup
/// @notice Creating programmes and exclusivity groups, kept out of the ledger's code so that the ledger stays
/// under the 24,576-byte contract size limit (EIP-170): these calls are rare and can afford one delegatecall.
/// The ledger forwards {IProgrammeBook-createProgramme}, {IProgrammeBook-createExclusivityGroup},
/// {IProgrammeBook-setExclusivityGroupAdmission} and {IProgrammeBook-setExclusivityGroupCap} here unchanged;
/// this code runs against the ledger's storage (both lay it out through {ProgrammeState}), and its events are
/// the ledger's. Called directly, it refuses everything.
contract ProgrammeSetup is ProgrammeState {
    /// @notice The call did not come through the ledger.
    error ProgrammeSetupDelegateOnly();

    address private immutable _self = address(this);

    modifier onlyDelegated() {
        if (address(this) == _self) revert ProgrammeSetupDelegateOnly();
        _;
    }

    constructor(
        ILicenceRegistry licences,
        IBeneficiaryRegistry registry
    ) ProgrammeState(licences, registry) {}

    /// @notice See {IProgrammeBook}; run by the ledger against its own storage.
    function createExclusivityGroup(
        IProgrammeBook.ExclusivityGroupParams calldata params
    ) external onlyDelegated onlyRegulator returns (uint32 groupId) {
        if (
            params.periodLength == 0 ||
            params.maxCoverages == 0 ||
            params.maxCoverages > MAX_GROUP_CAP ||
            params.categories == 0 ||
            address(params.token) == address(0) ||
            params.minEntitlement == 0
        ) revert IProgrammeBook.ExclusivityGroupInvalid(params.periodLength, params.maxCoverages);
        groupId = ++_groupCount;
        _groups[groupId] = IProgrammeBook.ExclusivityGroup({
            periodLength: params.periodLength,
            maxCoverages: params.maxCoverages,
            layer: params.layer,
            minEntitlement: params.minEntitlement,
            token: params.token,
            categories: params.categories
        });
        emit IProgrammeBook.ExclusivityGroupCreated(
            groupId,
            params.layer,
            params.categories,
            address(params.token),
            params.periodLength,
            params.maxCoverages,
            params.minEntitlement
        );
    }

    /// @notice See {IProgrammeBook}; run by the ledger against its own storage.
    function setExclusivityGroupAdmission(
        uint32 groupId,
        address[] calldata charities,
        bool admitted
    ) external onlyDelegated onlyRegulator {
        _requireGroup(groupId);
        if (charities.length > MAX_VENDORS_AT_CREATION) {
            revert IProgrammeBook.ProgrammeVendorsTooMany(charities.length, MAX_VENDORS_AT_CREATION);
        }
        mapping(address => bool) storage admissions = _admitted[groupId];
        for (uint256 i; i < charities.length; ++i) {
            address charity = charities[i];
            if (charity == address(0) || admissions[charity] == admitted) {
                revert IProgrammeBook.ExclusivityGroupAdmissionUnchanged(groupId, charity);
            }
            admissions[charity] = admitted;
            emit IProgrammeBook.ExclusivityGroupAdmissionChanged(groupId, charity, admitted);
        }
    }

    /// @notice See {IProgrammeBook}; run by the ledger against its own storage.
    function setExclusivityGroupCap(uint32 groupId, uint8 maxCoverages) external onlyDelegated onlyRegulator {
        IProgrammeBook.ExclusivityGroup storage group = _requireGroup(groupId);
        // Lowering the cap never strands a household: existing coverages stay readable, new ones must fit.
        if (maxCoverages == 0 || maxCoverages > MAX_GROUP_CAP) {
            revert IProgrammeBook.ExclusivityGroupInvalid(group.periodLength, maxCoverages);
        }
        group.maxCoverages = maxCoverages;
        emit IProgrammeBook.ExclusivityGroupCapChanged(groupId, maxCoverages);
    }

    /// @notice See {IProgrammeBook}; run by the ledger against its own storage.
    function createProgramme(
        IProgrammeBook.ProgrammeParams calldata params
    ) external onlyDelegated returns (uint256 programmeId) {
        if (!_licences.isLicensed(msg.sender, LicenceKind.Charity, params.layer, params.category)) {
            revert IProgrammeBook.CharityUnlicensed(msg.sender, params.layer, params.category);
        }
        if (address(params.token) == address(0)) revert IProgrammeBook.ProgrammeTokenZero();
        if (params.startsAt >= params.endsAt || params.endsAt <= block.timestamp) {
            revert IProgrammeBook.ProgrammeWindowInvalid(params.startsAt, params.endsAt);
        }
        if (
            params.capPerPeriod == 0 ||
            params.minGift == 0 ||
            params.capPerPeriod / params.minGift >= MAX_LOTS_PER_PAYMENT
        ) revert IProgrammeBook.ProgrammeLimitsInvalid(params.capPerPeriod, params.minGift);
        if (params.groupId != 0) {
            _requireJoinable(params);
        } else if (params.periodLength == 0) {
            revert IProgrammeBook.ProgrammePeriodInvalid(0);
        }
        if (params.vendors.length > MAX_VENDORS_AT_CREATION) {
            revert IProgrammeBook.ProgrammeVendorsTooMany(params.vendors.length, MAX_VENDORS_AT_CREATION);
        }

        programmeId = ++_programmeCount;
        _storeProgramme(programmeId, params);
        _books[programmeId].period = uint32(block.timestamp / params.periodLength);
        _announceProgramme(programmeId);
        _setVendors(programmeId, params.vendors, true);
    }

    /// @dev Split from {createProgramme} to keep each function's stack shallow.
    function _storeProgramme(uint256 programmeId, IProgrammeBook.ProgrammeParams calldata params) private {
        _programmes[programmeId] = IProgrammeBook.Programme({
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
    }

    function _announceProgramme(uint256 programmeId) private {
        // Read back from storage: fewer live calldata offsets than the parameters would need.
        IProgrammeBook.Programme storage p = _programmes[programmeId];
        emit IProgrammeBook.ProgrammeCreated(
            programmeId,
            p.charity,
            p.layer,
            p.category,
            address(p.token),
            p.groupId,
            p.periodLength,
            p.capPerPeriod,
            p.startsAt,
            p.endsAt,
            p.metadataCid
        );
    }

    /// @dev A new programme may join its group only if it matches the group and its charity was admitted.
    function _requireJoinable(IProgrammeBook.ProgrammeParams calldata params) private view {
        IProgrammeBook.ExclusivityGroup storage group = _requireGroup(params.groupId);
        if (params.periodLength != group.periodLength)
            revert IProgrammeBook.ProgrammePeriodInvalid(params.periodLength);
        if (
            params.layer != group.layer ||
            (group.categories >> params.category) & 1 == 0 ||
            params.token != group.token
        ) revert IProgrammeBook.ExclusivityGroupMismatch(params.groupId);
        if (!_admitted[params.groupId][msg.sender]) {
            revert IProgrammeBook.ExclusivityGroupAdmissionRequired(params.groupId, msg.sender);
        }
        if (params.capPerPeriod < group.minEntitlement) {
            revert IProgrammeBook.ProgrammeLimitsInvalid(params.capPerPeriod, params.minGift);
        }
    }
}
