import { mandateDigest, mandateTermsOf } from "../chain/mandateDigest";
import type { ChainEvent } from "../types";
import { packTasks, unpackSigners } from "./recoverMany";
import type { RecoveryPool } from "./recoveryPool";

/** A `MandateAccepted` event's digest, rebuilt from its terms, and the ECDSA signer of its signature. */
export interface MandateEvidence {
  digest: string;
  signer?: string;
}

/** The key of an event's evidence: where it sits on chain. */
export const eventKey = (event: ChainEvent): string => `${event.txHash.toLowerCase()}:${event.logIndex}`;

/**
 * Each accepted mandate's digest, hashed here from the terms its event carries (not its id, which it must
 * equal), and the signer recovered against it in the pool, as a receipt's beneficiary signature is.
 */
export async function recoverMandates(
  pool: RecoveryPool,
  separator: string,
  accepted: readonly ChainEvent[],
): Promise<Map<string, MandateEvidence>> {
  const evidence = new Map<string, MandateEvidence>();
  if (accepted.length === 0) return evidence;
  const tasks = accepted.map((event) => ({
    digest: mandateDigest(separator, mandateTermsOf(event.args)),
    signature: event.args.signature as string,
  }));
  const output = await pool.recover("signatures", packTasks(tasks), tasks.length);
  const signers = new Array<string | undefined>(tasks.length);
  unpackSigners(output, tasks.length, signers, 0);
  accepted.forEach((event, index) =>
    evidence.set(eventKey(event), { digest: tasks[index]!.digest, signer: signers[index] }),
  );
  return evidence;
}
