import type { Database } from "better-sqlite3";
import type { AidSystem } from "../../deploy/system";
import type { EvidenceDeps } from "../evidence";

/** The chain's `LicenceKind` values (contracts/types/AidTypes.sol). */
const VENDOR_LICENCE = 2;
const FIELD_AGENT_LICENCE = 3;

/**
 * Who may attach evidence to a programme, read from the chain: a vendor the programme allows and whose
 * vendor licence is active, or a field agent with an active licence (field agents co-sign any
 * programme's deliveries, so their licence is the test).
 */
export function evidenceUploaders(db: Database, system: AidSystem): EvidenceDeps["mayUpload"] {
  return async (programmeId, uploader) => {
    const address = db
      .prepare("SELECT address FROM organisations WHERE org_id = ?")
      .pluck()
      .get(uploader.orgId) as string | undefined;
    if (address === undefined) return false;
    if (uploader.role === "vendor") {
      const [allowed, licensed] = await Promise.all([
        system.ledger.isVendorAllowed(programmeId, address),
        system.licences.isActive(address, VENDOR_LICENCE),
      ]);
      return allowed && licensed;
    }
    if (uploader.role === "field_agent") return system.licences.isActive(address, FIELD_AGENT_LICENCE);
    return false;
  };
}
