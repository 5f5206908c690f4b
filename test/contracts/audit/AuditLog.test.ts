import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/signers";
import type { AuditLog } from "../../../typechain-types";
import {
  ALL_CATEGORIES,
  ALL_LAYERS,
  DAY,
  Layer,
  LicenceKind,
  LicenceStatus,
  FOOD,
  deployedSystem,
} from "../helpers/system";
import { ROLE_NAMES, shouldRefuseRoles } from "../helpers/roles";

/** Mirrors `IAuditLog.Subject` and `IAuditLog.Severity`. */
const Subject = { Programme: 0, Gift: 1, Redemption: 2, AnchoredBatch: 3, LicenceHolder: 4 } as const;
const Severity = { Info: 0, Low: 1, Medium: 2, High: 3, Critical: 4 } as const;

const NOT_AUDITOR = ROLE_NAMES.filter((role) => role !== "auditor");
const FIRST_CID = "bafy-finding-0001";
const REPORT_HASH = ethers.id("verification report 2026-Q1");
const REPORT_CID = "bafy-report-2026-q1";

/** A holder address as a finding's subject id: left-padded to 32 bytes. */
function holderSubject(holder: string): string {
  return ethers.zeroPadValue(holder, 32);
}

/** A finding id as a licence suspension's reason. */
function findingReason(findingId: bigint): string {
  return ethers.toBeHex(findingId, 32);
}

/** The deployed system with one finding (id 1) recorded by the auditor against the vendor. */
async function auditFixture() {
  const system = await deployedSystem();
  await system.auditLog
    .connect(system.auditor)
    .recordFinding(Subject.LicenceHolder, holderSubject(system.vendor.address), Severity.High, FIRST_CID);
  const firstRecordedAt = await time.latest();
  return { ...system, firstRecordedAt };
}

async function expectFinding(
  auditLog: AuditLog,
  findingId: bigint | number,
  expected: {
    auditor: string;
    recordedAt: number;
    subject: number;
    severity: number;
    subjectId: string;
    reportCid: string;
  },
): Promise<void> {
  const finding = await auditLog.finding(findingId);
  expect({
    auditor: finding.auditor,
    recordedAt: finding.recordedAt,
    subject: finding.subject,
    severity: finding.severity,
    subjectId: finding.subjectId,
    reportCid: finding.reportCid,
  }).to.deep.equal({
    ...expected,
    recordedAt: BigInt(expected.recordedAt),
    subject: BigInt(expected.subject),
    severity: BigInt(expected.severity),
  });
}

describe("AuditLog", function () {
  describe("recordFinding", function () {
    it("stores the first finding under id 1 with every field", async function () {
      const { auditLog, auditor, vendor, firstRecordedAt } = await loadFixture(auditFixture);
      expect(await auditLog.findingCount()).to.equal(1);
      await expectFinding(auditLog, 1, {
        auditor: auditor.address,
        recordedAt: firstRecordedAt,
        subject: Subject.LicenceHolder,
        severity: Severity.High,
        subjectId: holderSubject(vendor.address),
        reportCid: FIRST_CID,
      });
    });

    it("returns the next id, stores the finding and emits FindingRecorded", async function () {
      const { auditLog, auditor } = await loadFixture(auditFixture);
      const redemptionId = ethers.id("redemption-77");
      expect(
        await auditLog
          .connect(auditor)
          .recordFinding.staticCall(Subject.Redemption, redemptionId, Severity.Medium, "bafy-2"),
      ).to.equal(2n);
      const recordedAt = (await time.latest()) + 30;
      await time.setNextBlockTimestamp(recordedAt);
      await expect(
        auditLog.connect(auditor).recordFinding(Subject.Redemption, redemptionId, Severity.Medium, "bafy-2"),
      )
        .to.emit(auditLog, "FindingRecorded")
        .withArgs(2, auditor.address, Subject.Redemption, redemptionId, Severity.Medium, "bafy-2");
      expect(await auditLog.findingCount()).to.equal(2);
      await expectFinding(auditLog, 2, {
        auditor: auditor.address,
        recordedAt,
        subject: Subject.Redemption,
        severity: Severity.Medium,
        subjectId: redemptionId,
        reportCid: "bafy-2",
      });
    });

    it("stores every subject and severity as given, under consecutive ids", async function () {
      const { auditLog, auditor } = await loadFixture(auditFixture);
      const subjects = Object.values(Subject);
      const severities = [Severity.Critical, Severity.Info, Severity.Low, Severity.Medium, Severity.High];
      for (const [i, subject] of subjects.entries()) {
        const subjectId = ethers.toBeHex(1000 + i, 32);
        await expect(auditLog.connect(auditor).recordFinding(subject, subjectId, severities[i], `bafy-${i}`))
          .to.emit(auditLog, "FindingRecorded")
          .withArgs(2 + i, auditor.address, subject, subjectId, severities[i], `bafy-${i}`);
        await expectFinding(auditLog, 2 + i, {
          auditor: auditor.address,
          recordedAt: await time.latest(),
          subject,
          severity: severities[i],
          subjectId,
          reportCid: `bafy-${i}`,
        });
      }
      expect(await auditLog.findingCount()).to.equal(1 + subjects.length);
    });

    it("records which auditor made each finding", async function () {
      const { auditLog, licences, regulator, stranger: secondAuditor } = await loadFixture(auditFixture);
      const now = await time.latest();
      await licences
        .connect(regulator)
        .grantLicence(
          secondAuditor.address,
          LicenceKind.Auditor,
          ALL_LAYERS,
          ALL_CATEGORIES,
          now,
          now + DAY,
          "bafy",
        );
      await auditLog
        .connect(secondAuditor)
        .recordFinding(Subject.Gift, ethers.toBeHex(5, 32), Severity.Low, "bafy-g");
      expect((await auditLog.finding(2)).auditor).to.equal(secondAuditor.address);
    });

    it("reverts with AuditReportMissing when the report CID is empty", async function () {
      const { auditLog, auditor } = await loadFixture(auditFixture);
      await expect(
        auditLog.connect(auditor).recordFinding(Subject.Programme, ethers.toBeHex(1, 32), Severity.Low, ""),
      )
        .to.be.revertedWithCustomError(auditLog, "AuditReportMissing")
        .withArgs();
      expect(await auditLog.findingCount()).to.equal(1);
    });

    it("reverts without a reason when the subject is outside the enum", async function () {
      const { auditLog, auditor } = await loadFixture(auditFixture);
      await expect(
        auditLog.connect(auditor).recordFinding(5, ethers.toBeHex(1, 32), Severity.Low, "bafy"),
      ).to.be.revertedWithoutReason();
      expect(await auditLog.findingCount()).to.equal(1);
    });
  });

  describe("finding", function () {
    it("reverts with FindingUnknown for id 0", async function () {
      const { auditLog } = await loadFixture(auditFixture);
      await expect(auditLog.finding(0)).to.be.revertedWithCustomError(auditLog, "FindingUnknown").withArgs(0);
    });

    it("reverts with FindingUnknown for an id past findingCount, until that finding is recorded", async function () {
      const { auditLog, auditor } = await loadFixture(auditFixture);
      await expect(auditLog.finding(2)).to.be.revertedWithCustomError(auditLog, "FindingUnknown").withArgs(2);
      await expect(auditLog.finding(ethers.MaxUint256))
        .to.be.revertedWithCustomError(auditLog, "FindingUnknown")
        .withArgs(ethers.MaxUint256);
      await auditLog
        .connect(auditor)
        .recordFinding(Subject.Gift, ethers.toBeHex(9, 32), Severity.Info, "bafy-9");
      expect((await auditLog.finding(2)).reportCid).to.equal("bafy-9");
      await expect(auditLog.finding(3)).to.be.revertedWithCustomError(auditLog, "FindingUnknown").withArgs(3);
    });
  });

  describe("anchorReport", function () {
    it("records the report's auditor and emits AuditReportAnchored", async function () {
      const { auditLog, auditor } = await loadFixture(auditFixture);
      expect(await auditLog.reportAuditor(REPORT_HASH)).to.equal(ethers.ZeroAddress);
      const throughBlock = await ethers.provider.getBlockNumber();
      await expect(auditLog.connect(auditor).anchorReport(REPORT_HASH, throughBlock, REPORT_CID))
        .to.emit(auditLog, "AuditReportAnchored")
        .withArgs(REPORT_HASH, auditor.address, throughBlock, REPORT_CID);
      expect(await auditLog.reportAuditor(REPORT_HASH)).to.equal(auditor.address);
    });

    it("leaves findings untouched", async function () {
      const { auditLog, auditor } = await loadFixture(auditFixture);
      await auditLog.connect(auditor).anchorReport(REPORT_HASH, 1, REPORT_CID);
      expect(await auditLog.findingCount()).to.equal(1);
    });

    it("reverts with AuditReportExists when the same auditor anchors the hash again", async function () {
      const { auditLog, auditor } = await loadFixture(auditFixture);
      await auditLog.connect(auditor).anchorReport(REPORT_HASH, 1, REPORT_CID);
      await expect(auditLog.connect(auditor).anchorReport(REPORT_HASH, 2, "bafy-other"))
        .to.be.revertedWithCustomError(auditLog, "AuditReportExists")
        .withArgs(REPORT_HASH);
    });

    it("reverts with AuditReportExists when another auditor anchors a hash already anchored", async function () {
      const {
        auditLog,
        auditor,
        licences,
        regulator,
        stranger: secondAuditor,
      } = await loadFixture(auditFixture);
      await auditLog.connect(auditor).anchorReport(REPORT_HASH, 1, REPORT_CID);
      const now = await time.latest();
      await licences
        .connect(regulator)
        .grantLicence(
          secondAuditor.address,
          LicenceKind.Auditor,
          ALL_LAYERS,
          ALL_CATEGORIES,
          now,
          now + DAY,
          "bafy",
        );
      await expect(auditLog.connect(secondAuditor).anchorReport(REPORT_HASH, 1, REPORT_CID))
        .to.be.revertedWithCustomError(auditLog, "AuditReportExists")
        .withArgs(REPORT_HASH);
      expect(await auditLog.reportAuditor(REPORT_HASH)).to.equal(auditor.address);
    });

    it("reverts with AuditReportMissing when the report hash is zero", async function () {
      const { auditLog, auditor } = await loadFixture(auditFixture);
      await expect(auditLog.connect(auditor).anchorReport(ethers.ZeroHash, 1, REPORT_CID))
        .to.be.revertedWithCustomError(auditLog, "AuditReportMissing")
        .withArgs();
      expect(await auditLog.reportAuditor(ethers.ZeroHash)).to.equal(ethers.ZeroAddress);
    });

    it("reverts with AuditReportMissing when the report CID is empty", async function () {
      const { auditLog, auditor } = await loadFixture(auditFixture);
      await expect(auditLog.connect(auditor).anchorReport(REPORT_HASH, 1, ""))
        .to.be.revertedWithCustomError(auditLog, "AuditReportMissing")
        .withArgs();
      expect(await auditLog.reportAuditor(REPORT_HASH)).to.equal(ethers.ZeroAddress);
    });
  });

  describe("a finding as the reason of a licence action", function () {
    it("lets the regulator suspend the vendor citing the finding id, and the reason resolves to the finding", async function () {
      const { auditLog, licences, regulator, auditor, vendor } = await loadFixture(auditFixture);
      const findingId = await auditLog
        .connect(auditor)
        .recordFinding.staticCall(
          Subject.LicenceHolder,
          holderSubject(vendor.address),
          Severity.Critical,
          "bafy-c",
        );
      await auditLog
        .connect(auditor)
        .recordFinding(Subject.LicenceHolder, holderSubject(vendor.address), Severity.Critical, "bafy-c");
      expect(findingId).to.equal(2n);
      const reason = findingReason(findingId);

      await expect(licences.connect(regulator).suspendLicence(vendor.address, LicenceKind.Vendor, reason))
        .to.emit(licences, "LicenceSuspended")
        .withArgs(vendor.address, LicenceKind.Vendor, reason, regulator.address);
      expect((await licences.licenceOf(vendor.address, LicenceKind.Vendor)).status).to.equal(
        LicenceStatus.Suspended,
      );
      expect(await licences.isLicensed(vendor.address, LicenceKind.Vendor, Layer.Relief, FOOD)).to.equal(
        false,
      );

      const cited = await auditLog.finding(BigInt(reason));
      expect(cited.subject).to.equal(Subject.LicenceHolder);
      expect(ethers.getAddress(ethers.dataSlice(cited.subjectId, 12))).to.equal(vendor.address);
      expect(cited.severity).to.equal(Severity.Critical);
    });

    it("lets the regulator propose to revoke the vendor citing the fixture's finding id", async function () {
      const { licences, regulator, vendor } = await loadFixture(auditFixture);
      const reason = findingReason(1n);
      const proposedAt = (await time.latest()) + 5;
      await time.setNextBlockTimestamp(proposedAt);
      await expect(licences.connect(regulator).revokeLicence(vendor.address, LicenceKind.Vendor, reason))
        .to.emit(licences, "LicenceRevocationProposed")
        .withArgs(
          vendor.address,
          LicenceKind.Vendor,
          reason,
          regulator.address,
          proposedAt + Number(await licences.REVOCATION_DELAY()),
        );
    });
  });

  describe("access control", function () {
    async function matrix() {
      const system = await loadFixture(auditFixture);
      return { system, actors: system, contract: system.auditLog };
    }
    const refusedCaller = (caller: HardhatEthersSigner) => [caller.address];

    shouldRefuseRoles(
      "recordFinding",
      NOT_AUDITOR,
      async () => {
        const { system, actors, contract } = await matrix();
        return {
          actors,
          contract,
          call: (as) =>
            system.auditLog
              .connect(as)
              .recordFinding(Subject.Programme, ethers.toBeHex(1, 32), Severity.Low, "bafy"),
        };
      },
      "AuditorUnauthorized",
      refusedCaller,
    );

    shouldRefuseRoles(
      "anchorReport",
      NOT_AUDITOR,
      async () => {
        const { system, actors, contract } = await matrix();
        return {
          actors,
          contract,
          call: (as) => system.auditLog.connect(as).anchorReport(REPORT_HASH, 1, REPORT_CID),
        };
      },
      "AuditorUnauthorized",
      refusedCaller,
    );

    async function expectAuditorRefused(system: Awaited<ReturnType<typeof auditFixture>>): Promise<void> {
      const { auditLog, auditor } = system;
      await expect(
        auditLog.connect(auditor).recordFinding(Subject.Gift, ethers.toBeHex(1, 32), Severity.Low, "bafy"),
      )
        .to.be.revertedWithCustomError(auditLog, "AuditorUnauthorized")
        .withArgs(auditor.address);
      await expect(auditLog.connect(auditor).anchorReport(REPORT_HASH, 1, REPORT_CID))
        .to.be.revertedWithCustomError(auditLog, "AuditorUnauthorized")
        .withArgs(auditor.address);
      expect(await auditLog.findingCount()).to.equal(1);
      expect(await auditLog.reportAuditor(REPORT_HASH)).to.equal(ethers.ZeroAddress);
    }

    it("reverts with AuditorUnauthorized when the auditor's licence is suspended", async function () {
      const system = await loadFixture(auditFixture);
      await system.licences
        .connect(system.regulator)
        .suspendLicence(system.auditor.address, LicenceKind.Auditor, ethers.ZeroHash);
      await expectAuditorRefused(system);
    });

    it("reverts with AuditorUnauthorized when the auditor's licence has expired", async function () {
      const system = await loadFixture(auditFixture);
      const { validUntil } = await system.licences.licenceOf(system.auditor.address, LicenceKind.Auditor);
      await time.increaseTo(validUntil + 1n);
      await expectAuditorRefused(system);
    });

    it("keeps findings readable by anyone after the auditor's licence is revoked", async function () {
      const { auditLog, licences, regulator, auditor, stranger } = await loadFixture(auditFixture);
      await licences.connect(regulator).revokeLicence(auditor.address, LicenceKind.Auditor, ethers.ZeroHash);
      expect((await auditLog.connect(stranger).finding(1)).auditor).to.equal(auditor.address);
    });
  });
});
