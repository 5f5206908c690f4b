// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.28;

/// @title Auditors' findings and signed audit reports.
/// @notice Licensed auditors record findings against a programme, a gift, a redemption, an anchored batch
/// or a licence holder, each with a report CID; the regulator may then suspend a licence, citing the
/// finding id as the reason. Auditors also anchor the hash of each verification report they sign.
interface IAuditLog {
    /// @notice What a finding is about.
    enum Subject {
        Programme,
        Gift,
        Redemption,
        AnchoredBatch,
        LicenceHolder
    }

    /// @notice How serious a finding is.
    enum Severity {
        Info,
        Low,
        Medium,
        High,
        Critical
    }

    /// @notice A finding as stored.
    struct Finding {
        address auditor;
        uint40 recordedAt;
        Subject subject;
        Severity severity;
        bytes32 subjectId;
        string reportCid;
    }

    /// @notice The caller is not an active licensed auditor.
    error AuditorUnauthorized(address caller);
    /// @notice The report CID or hash is empty.
    error AuditReportMissing();
    /// @notice No finding has this id.
    error FindingUnknown(uint256 findingId);
    /// @notice The report hash was already anchored.
    error AuditReportExists(bytes32 reportHash);

    /// @notice Emitted for each finding.
    event FindingRecorded(
        uint256 indexed findingId,
        address indexed auditor,
        Subject subject,
        bytes32 indexed subjectId,
        Severity severity,
        string reportCid
    );
    /// @notice Emitted when an auditor anchors a signed verification report.
    event AuditReportAnchored(
        bytes32 indexed reportHash,
        address indexed auditor,
        uint64 throughBlock,
        string reportCid
    );

    /// @notice Records a finding. `subjectId` is the programme id, gift id, redemption id, anchor root or
    /// holder address (left-padded), as bytes32.
    /// @dev Requires an active auditor licence. Emits {FindingRecorded}.
    function recordFinding(
        Subject subject,
        bytes32 subjectId,
        Severity severity,
        string calldata reportCid
    ) external returns (uint256 findingId);

    /// @notice Anchors the hash of a verification report covering the chain up to `throughBlock`.
    /// @dev Requires an active auditor licence. Emits {AuditReportAnchored}.
    function anchorReport(bytes32 reportHash, uint64 throughBlock, string calldata reportCid) external;

    /// @notice A finding as stored.
    function finding(uint256 findingId) external view returns (Finding memory);

    /// @notice Who anchored a report hash (zero if nobody).
    function reportAuditor(bytes32 reportHash) external view returns (address);

    /// @notice How many findings exist; ids run from 1 to this number.
    function findingCount() external view returns (uint256);
}
