import type { Database } from "better-sqlite3";
import type { AidSystem } from "../../deploy/system";
import { readThrough } from "../chain/readCache";
import type { EvidenceDeps } from "../evidence";

/** The chain's `LicenceKind` values (contracts/types/AidTypes.sol). */
const VENDOR_LICENCE = 2;
const FIELD_AGENT_LICENCE = 3;

/**
 * Who may attach evidence to a programme, read from the chain: a vendor the programme allows and whose
 * vendor licence is active, or a field agent with an active licence (field agents co-sign any
 * programme's deliveries, so their licence is the test). While the chain is unreachable the answer is the
 * last one read (the delivery it documents is checked again by the chain at redemption).
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
        readThrough(db, `ledger.isVendorAllowed:${programmeId}:${address}`, () =>
          system.ledger.isVendorAllowed(programmeId, address),
        ),
        readThrough(db, `licences.isActive:${address}:${VENDOR_LICENCE}`, () =>
          system.licences.isActive(address, VENDOR_LICENCE),
        ),
      ]);
      return allowed.value && licensed.value;
    }
    if (uploader.role === "field_agent") {
      const licensed = await readThrough(db, `licences.isActive:${address}:${FIELD_AGENT_LICENCE}`, () =>
        system.licences.isActive(address, FIELD_AGENT_LICENCE),
      );
      return licensed.value;
    }
    return false;
  };
}
