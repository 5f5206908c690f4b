import type { Database, Statement } from "better-sqlite3";

/**
 * The SQL of the binding and challenge tables, prepared once per database. The keystore owns `keys`;
 * the custodial signer owns `access_secrets` and `signing_log`.
 */

export type Custody = "self" | "custodial";
export type BindingStatus = "active" | "suspended";

export interface WalletBinding {
  beneficiaryRef: string;
  address: string;
  custody: Custody;
  boundAt: string;
  status: BindingStatus;
}

export interface BindingChange {
  previousAddress: string | null;
  newAddress: string;
  reason: string;
  at: string;
}

export interface ChallengeRecord {
  challengeId: string;
  beneficiaryRef: string;
  address: string;
  nonce: string;
  expiresAt: string;
  usedAt: string | null;
}

interface BindingRow {
  beneficiary_ref: string;
  address: string;
  custody: Custody;
  bound_at: string;
  status: BindingStatus;
}

interface ChallengeRow {
  challenge_id: string;
  beneficiary_ref: string;
  address: string;
  nonce: string;
  expires_at: string;
  used_at: string | null;
}

const toBinding = (row: BindingRow): WalletBinding => ({
  beneficiaryRef: row.beneficiary_ref,
  address: row.address,
  custody: row.custody,
  boundAt: row.bound_at,
  status: row.status,
});

export class WalletRecords {
  readonly #bindingByRef: Statement;
  readonly #bindingByAddress: Statement;
  readonly #insertBinding: Statement;
  readonly #updateBinding: Statement;
  readonly #insertHistory: Statement;
  readonly #history: Statement;
  readonly #insertChallenge: Statement;
  readonly #challenge: Statement;
  readonly #useChallenge: Statement;
  readonly #provenSince: Statement;

  constructor(db: Database) {
    this.#bindingByRef = db.prepare("SELECT * FROM wallet_bindings WHERE beneficiary_ref = ?");
    this.#bindingByAddress = db.prepare("SELECT * FROM wallet_bindings WHERE address = ?");
    this.#insertBinding = db.prepare(
      "INSERT INTO wallet_bindings (beneficiary_ref, address, custody, bound_at) VALUES (?, ?, ?, ?)",
    );
    this.#updateBinding = db.prepare(
      "UPDATE wallet_bindings SET address = ?, custody = ?, bound_at = ? WHERE beneficiary_ref = ?",
    );
    this.#insertHistory = db.prepare(
      "INSERT INTO wallet_binding_history (beneficiary_ref, previous_address, new_address, reason, at) VALUES (?, ?, ?, ?, ?)",
    );
    this.#history = db.prepare(
      "SELECT previous_address, new_address, reason, at FROM wallet_binding_history WHERE beneficiary_ref = ? ORDER BY id",
    );
    this.#insertChallenge = db.prepare(
      "INSERT INTO wallet_challenges (challenge_id, beneficiary_ref, address, nonce, expires_at) VALUES (?, ?, ?, ?, ?)",
    );
    this.#challenge = db.prepare("SELECT * FROM wallet_challenges WHERE challenge_id = ?");
    this.#useChallenge = db.prepare(
      "UPDATE wallet_challenges SET used_at = ? WHERE challenge_id = ? AND used_at IS NULL",
    );
    this.#provenSince = db.prepare(
      "SELECT 1 FROM wallet_challenges WHERE beneficiary_ref = ? AND address = ? AND used_at >= ? LIMIT 1",
    );
  }

  binding(beneficiaryRef: string): WalletBinding | undefined {
    const row = this.#bindingByRef.get(beneficiaryRef) as BindingRow | undefined;
    return row && toBinding(row);
  }

  bindingOfAddress(address: string): WalletBinding | undefined {
    const row = this.#bindingByAddress.get(address) as BindingRow | undefined;
    return row && toBinding(row);
  }

  /** A first binding, with its history row. Call inside a transaction. */
  bind(beneficiaryRef: string, address: string, custody: Custody, reason: string, at: string): void {
    this.#insertBinding.run(beneficiaryRef, address, custody, at);
    this.#insertHistory.run(beneficiaryRef, null, address, reason, at);
  }

  /** Replaces a binding, with its history row. Call inside a transaction. */
  rebind(
    beneficiaryRef: string,
    previous: string,
    address: string,
    custody: Custody,
    reason: string,
    at: string,
  ): void {
    this.#updateBinding.run(address, custody, at, beneficiaryRef);
    this.#insertHistory.run(beneficiaryRef, previous, address, reason, at);
  }

  history(beneficiaryRef: string): BindingChange[] {
    return (
      this.#history.all(beneficiaryRef) as {
        previous_address: string | null;
        new_address: string;
        reason: string;
        at: string;
      }[]
    ).map((row) => ({
      previousAddress: row.previous_address,
      newAddress: row.new_address,
      reason: row.reason,
      at: row.at,
    }));
  }

  addChallenge(challenge: Omit<ChallengeRecord, "usedAt">): void {
    this.#insertChallenge.run(
      challenge.challengeId,
      challenge.beneficiaryRef,
      challenge.address,
      challenge.nonce,
      challenge.expiresAt,
    );
  }

  challenge(challengeId: string): ChallengeRecord | undefined {
    const row = this.#challenge.get(challengeId) as ChallengeRow | undefined;
    return (
      row && {
        challengeId: row.challenge_id,
        beneficiaryRef: row.beneficiary_ref,
        address: row.address,
        nonce: row.nonce,
        expiresAt: row.expires_at,
        usedAt: row.used_at,
      }
    );
  }

  /** False when it was already used: the `used_at IS NULL` guard makes a concurrent second use lose. */
  useChallenge(challengeId: string, at: string): boolean {
    return this.#useChallenge.run(at, challengeId).changes === 1;
  }

  /** Whether the beneficiary proved control of `address` at or after `since`. */
  provenSince(beneficiaryRef: string, address: string, since: string): boolean {
    return this.#provenSince.get(beneficiaryRef, address, since) !== undefined;
  }
}
