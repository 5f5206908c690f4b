import { getConfirmation, type ConfirmationViewer } from "./getConfirmation";
import type { AnchoringDeps, ConfirmationView } from "./types";

export interface VerifiedConfirmation extends ConfirmationView {
  /** What `ReceiptAnchor.verifyReceipt(root, confirmationHash, proof)` answered; false until anchored. */
  verifiedOnChain: boolean;
}

/**
 * A confirmation with the chain's own answer: the contract checks its proof against the anchored root, as
 * anyone can with the root, the hash and the proof this returns (no key, no gateway needed).
 */
export async function verifyConfirmation(
  deps: Pick<AnchoringDeps, "db" | "anchor">,
  confirmationId: string,
  viewer?: ConfirmationViewer,
): Promise<VerifiedConfirmation> {
  const view = getConfirmation(deps, confirmationId, viewer);
  const proof = view.batch?.proof;
  const verifiedOnChain =
    view.batch !== null && proof !== null && proof !== undefined
      ? await deps.anchor.verifyReceipt(view.batch.root, view.confirmationHash, proof)
      : false;
  return { ...view, verifiedOnChain };
}
