import { cachedStatement } from "../db/statements";
import { NotFoundError } from "../errors";
import type { AnchoringDeps, BatchState, ConfirmationKind, ConfirmationView } from "./types";

interface ConfirmationRow {
  confirmation_id: string;
  confirmation_hash: string;
  programme_id: number;
  household_ref: string;
  kind: ConfirmationKind;
  delivered_at: string;
  evidence_hash: string | null;
  recorded_by: string;
  salt: string;
  recorded_at: string;
  leaf_index: number | null;
  proof: string | null;
  root: string | null;
  status: BatchState | null;
  tx_hash: string | null;
  block_number: number | null;
  anchored_at: string | null;
}

/** Who may see a confirmation: its programme's charity, the organisation that recorded it, or anyone. */
export interface ConfirmationViewer {
  orgId: string;
  /** True for auditors and regulators, who see every confirmation. */
  seesAll: boolean;
}

/**
 * A confirmation, its batch, and its proof once anchored. An unknown id, or one the viewer may not see
 * (not its programme's charity nor its recorder), is 404 alike.
 */
export function getConfirmation(
  deps: Pick<AnchoringDeps, "db">,
  confirmationId: string,
  viewer?: ConfirmationViewer,
): ConfirmationView {
  const row = cachedStatement(
    deps.db,
    `SELECT c.*, b.root, b.status, b.tx_hash, b.block_number, b.anchored_at,
       (SELECT org_id FROM programmes p WHERE p.programme_id = c.programme_id) AS programme_org
     FROM confirmations c LEFT JOIN anchor_batches b ON b.batch_id = c.batch_id WHERE c.confirmation_id = ?`,
  ).get(confirmationId) as (ConfirmationRow & { programme_org: string | null }) | undefined;
  const visible =
    row !== undefined &&
    (viewer === undefined ||
      viewer.seesAll ||
      viewer.orgId === row.recorded_by ||
      viewer.orgId === row.programme_org);
  if (!visible) throw new NotFoundError("confirmationId", "No confirmation has this id.");
  return toView(row);
}

function toView(row: ConfirmationRow): ConfirmationView {
  return {
    confirmationId: row.confirmation_id,
    confirmationHash: row.confirmation_hash,
    state: row.root === null ? "pending" : row.status === "anchored" ? "anchored" : "batched",
    programmeId: row.programme_id,
    householdRef: row.household_ref,
    kind: row.kind,
    deliveredAt: row.delivered_at,
    evidenceHash: row.evidence_hash,
    recordedBy: row.recorded_by,
    salt: row.salt,
    recordedAt: row.recorded_at,
    batch:
      row.root === null
        ? null
        : {
            root: row.root,
            leafIndex: row.leaf_index!,
            state: row.status!,
            txHash: row.tx_hash,
            blockNumber: row.block_number,
            anchoredAt: row.anchored_at,
            proof: row.proof === null ? null : (JSON.parse(row.proof) as string[]),
          },
  };
}
