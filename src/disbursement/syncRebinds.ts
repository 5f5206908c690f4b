import { encodeBytes32String, getAddress } from "ethers";
import type { ChainJob } from "../chain/outbox";
import type { DisbursementDeps } from "./types";

export const REBIND_JOB = "registry.rebind";

/**
 * Brings the chain in line with the wallets room: every registered beneficiary whose bound wallet changed
 * (lost phone, switch to self-custody) is rebound on chain by the registrar. Reconciling instead of
 * queuing inside the wallet change means a crash between the two is repaired on the next run; the
 * idempotency key (ref and new wallet) keeps a rebind from being sent twice.
 */
export async function syncRebindsOnChain(deps: DisbursementDeps): Promise<number> {
  const stale = deps.db
    .prepare(
      `SELECT r.beneficiary_ref AS ref, b.address AS wallet,
              (SELECT h.reason FROM wallet_binding_history h WHERE h.beneficiary_ref = r.beneficiary_ref
               ORDER BY h.id DESC LIMIT 1) AS reason
       FROM chain_registrations r JOIN wallet_bindings b ON b.beneficiary_ref = r.beneficiary_ref
       WHERE r.status = 'registered' AND r.wallet != b.address`,
    )
    .all() as { ref: string; wallet: string; reason: string | null }[];
  deps.db.transaction(() => {
    for (const row of stale) {
      deps.outbox.enqueue({
        idempotencyKey: `rebind:${row.ref}:${row.wallet}`,
        kind: REBIND_JOB,
        from: deps.registrar,
        to: deps.system.registry.target as string,
        data: deps.system.registry.interface.encodeFunctionData("rebindWallet", [
          row.ref,
          getAddress(row.wallet),
          encodeBytes32String((row.reason ?? "rebind").slice(0, 31)),
        ]),
      });
    }
  })();
  if (stale.length > 0) await deps.outbox.drain();
  return stale.length;
}

/** On confirmation the registration row follows the wallet now bound on chain. */
export function rebindHandlers(deps: DisbursementDeps) {
  return {
    confirmed(job: ChainJob): void {
      const [ref, wallet] = deps.system.registry.interface
        .decodeFunctionData("rebindWallet", job.data)
        .toArray() as [string, string];
      deps.db
        .prepare("UPDATE chain_registrations SET wallet = ?, updated_at = ? WHERE beneficiary_ref = ?")
        .run(wallet.toLowerCase(), deps.now().toISOString(), ref.toLowerCase());
    },
  };
}
