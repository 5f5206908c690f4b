import { closeDueBatches, getConfirmation, recordConfirmation } from "../../../src/anchoring";
import { anchoringWorld } from "./anchoringWorld";

export interface AnchoringGasFigure {
  /** Confirmations in the batch. */
  receipts: number;
  /** Gas of the one `ReceiptAnchor.anchor` transaction that anchored them. */
  anchorGas: number;
  /** `anchorGas / receipts`. */
  gasPerReceipt: number;
  /** Confirmations whose stored proof `ReceiptAnchor.verifyReceipt` accepted (a sample of each batch). */
  verifiedOnChain: number;
  /** Milliseconds to record the batch's confirmations (SQLite, one transaction each, size trigger included). */
  recordMs: number;
}

/** Confirmations of each batch checked on chain: the first, the last, and evenly spaced ones between. */
const VERIFIED_SAMPLE = 32;

/**
 * Gas per anchored receipt at batches of `sizes` (100, 1,000 and 10,000 by default): each batch recorded
 * through the anchoring room (`recordConfirmation`, which closes the batch when it is full), anchored
 * through the outbox on a fresh anvil node, its gas read from the job's receipt, and a sample of its proofs
 * checked by the contract. One world (chain and database) serves every size.
 */
export async function anchoringGas(
  sizes: readonly number[] = [100, 1_000, 10_000],
): Promise<AnchoringGasFigure[]> {
  const world = await anchoringWorld(601);
  try {
    const figures: AnchoringGasFigure[] = [];
    for (const size of sizes) {
      const gw = world.open({ policy: { batchSize: size, maxAgeMs: 86_400_000 } });
      try {
        const started = performance.now();
        const ids: string[] = [];
        for (let n = 0; n < size; n++) {
          ids.push(
            recordConfirmation(gw.deps, {
              programmeId: world.programmeId,
              householdRef: world.householdRefs[n % world.householdRefs.length]!,
              kind: n % 3 === 0 ? "service_visit" : "in_kind_distribution",
              deliveredAt: new Date(Date.now() - 86_400_000 + n * 1000).toISOString(),
              recordedBy: world.charityOrgId,
            }).confirmationId,
          );
        }
        const recordMs = performance.now() - started;
        if (closeDueBatches(gw.deps).length > 0) throw new Error("a batch was left open");
        await gw.outbox.drain();
        const first = getConfirmation(gw.deps, ids[0]!);
        if (first.state !== "anchored") throw new Error(`the batch of ${size} was not anchored`);
        const job = gw.outbox.byKey(`anchor:${first.batch!.root}:1`)!;
        const anchorGas = Number(job.gasUsed);
        const step = Math.max(1, Math.floor((size - 1) / (VERIFIED_SAMPLE - 1)));
        const sample = [...new Set([...ids.filter((_, i) => i % step === 0), ids.at(-1)!])];
        const answers = await Promise.all(
          sample.map((id) => {
            const view = getConfirmation(gw.deps, id);
            return world.system.anchor.verifyReceipt(
              view.batch!.root,
              view.confirmationHash,
              view.batch!.proof!,
            );
          }),
        );
        if (answers.some((ok) => !ok)) throw new Error(`a proof of the batch of ${size} failed on chain`);
        figures.push({
          receipts: size,
          anchorGas,
          gasPerReceipt: anchorGas / size,
          verifiedOnChain: answers.length,
          recordMs: Math.round(recordMs),
        });
      } finally {
        gw.close();
      }
    }
    return figures;
  } finally {
    await world.stop();
  }
}
