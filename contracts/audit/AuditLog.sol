// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.28;

import {IAuditLog} from "../interfaces/IAuditLog.sol";
import {ILicenceRegistry} from "../interfaces/ILicenceRegistry.sol";
import {LicenceKind} from "../types/AidTypes.sol";

/// @title AuditLog
contract AuditLog is IAuditLog {
    ILicenceRegistry private immutable _licences;
    uint256 private _findingCount;
    mapping(uint256 findingId => Finding) private _findings;
    mapping(bytes32 reportHash => address auditor) private _reports;

    modifier onlyAuditor() {
        if (!_licences.isActive(msg.sender, LicenceKind.Auditor)) revert AuditorUnauthorized(msg.sender);
        _;
    }

    constructor(ILicenceRegistry licences) {
        _licences = licences;
    }

    /// @inheritdoc IAuditLog
    function recordFinding(
        Subject subject,
        bytes32 subjectId,
        Severity severity,
        string calldata reportCid
    ) external onlyAuditor returns (uint256 findingId) {
        if (bytes(reportCid).length == 0) revert AuditReportMissing();
        findingId = ++_findingCount;
        _findings[findingId] = Finding(
            msg.sender,
            uint40(block.timestamp),
            subject,
            severity,
            subjectId,
            reportCid
        );
        emit FindingRecorded(findingId, msg.sender, subject, subjectId, severity, reportCid);
    }

    /// @inheritdoc IAuditLog
    function anchorReport(
        bytes32 reportHash,
        uint64 throughBlock,
        string calldata reportCid
    ) external onlyAuditor {
        if (reportHash == 0 || bytes(reportCid).length == 0) revert AuditReportMissing();
        if (_reports[reportHash] != address(0)) revert AuditReportExists(reportHash);
        _reports[reportHash] = msg.sender;
        emit AuditReportAnchored(reportHash, msg.sender, throughBlock, reportCid);
    }

    /// @inheritdoc IAuditLog
    function finding(uint256 findingId) external view returns (Finding memory) {
        if (findingId == 0 || findingId > _findingCount) revert FindingUnknown(findingId);
        return _findings[findingId];
    }

    /// @inheritdoc IAuditLog
    function reportAuditor(bytes32 reportHash) external view returns (address) {
        return _reports[reportHash];
    }

    /// @inheritdoc IAuditLog
    function findingCount() external view returns (uint256) {
        return _findingCount;
    }
}
