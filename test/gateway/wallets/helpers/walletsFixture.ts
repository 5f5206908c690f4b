import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import BetterSqlite3 from "better-sqlite3";
import { keccak256, toUtf8Bytes } from "ethers";
import { migrate } from "../../../../src/db/migrate";
import {
  createWalletsContext,
  deriveKeystoreKey,
  KEYS_INDEX_SQL,
  WALLETS_SQL,
  type KeystoreKeyRing,
  type WalletsContext,
} from "../../../../src/wallets";

export const TEST_PASSPHRASE = "wallets test passphrase, not a real one";
export const TEST_SALT = Buffer.from("sintech-wallets!", "utf8");

let keystoreKey: Buffer | undefined;
/** Derived once per run: scrypt at the production cost is deliberately slow. */
export function testKeystoreKey(): Buffer {
  keystoreKey ??= deriveKeystoreKey(TEST_PASSPHRASE, TEST_SALT);
  return keystoreKey;
}

/** A clock the tests move by hand, for expiries, lockouts and the 24-hour caps. */
export class TestClock {
  #ms: number;
  constructor(start: Date | number = Date.parse("2030-01-01T00:00:00.000Z")) {
    this.#ms = typeof start === "number" ? start : start.getTime();
  }
  readonly now = (): Date => new Date(this.#ms);
  advance(ms: number): void {
    this.#ms += ms;
  }
  get seconds(): bigint {
    return BigInt(Math.floor(this.#ms / 1000));
  }
}

export interface WalletsFixture {
  ctx: WalletsContext;
  db: BetterSqlite3.Database;
  clock: TestClock;
  dir: string;
  path: string;
  /** Every byte SQLite wrote for this database: the main file plus its WAL, if any. */
  fileBytes(): Buffer;
  cleanup(): void;
}

export interface WalletsFixtureOptions {
  keystoreKeys?: KeystoreKeyRing | Buffer;
  clock?: TestClock;
  signerCacheSize?: number;
}

/** A real SQLite file in a fresh temp directory, with the wallets migration applied as the db room will. */
export function openWalletsFixture(options: WalletsFixtureOptions = {}): WalletsFixture {
  const dir = mkdtempSync(join(tmpdir(), "sintech-wallets-"));
  const path = join(dir, "gateway.sqlite");
  const db = new BetterSqlite3(path);
  db.pragma("journal_mode = WAL");
  db.pragma("secure_delete = ON");
  migrate(db, [
    { version: 1, name: "wallets", sql: WALLETS_SQL },
    { version: 2, name: "keys_operator_index", sql: KEYS_INDEX_SQL },
  ]);
  const clock = options.clock ?? new TestClock();
  const ctx = createWalletsContext({
    db,
    keystoreKeys: options.keystoreKeys ?? testKeystoreKey(),
    now: clock.now,
    signerCacheSize: options.signerCacheSize,
  });
  return {
    ctx,
    db,
    clock,
    dir,
    path,
    fileBytes: () =>
      Buffer.concat([path, `${path}-wal`].filter((p) => existsSync(p)).map((p) => readFileSync(p))),
    cleanup() {
      if (db.open) db.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A deterministic stand-in for the identity room's keyed beneficiary reference. */
export function testRef(n: number | string): string {
  return keccak256(toUtf8Bytes(`wallets-test-beneficiary-${n}`));
}

export const LEDGER = { chainId: 31337n, verifyingContract: "0x00000000000000000000000000000000000a1d1e" };
export const LEDGER_DOMAIN = { name: "SinTech AidLedger", version: "1", ...LEDGER };
export const VENDOR = "0x000000000000000000000000000000000000beef";

/** A delivery receipt for `beneficiaryRef`, valid for an hour from the clock's now. */
export function receiptFor(
  beneficiaryRef: string,
  clock: TestClock,
  overrides: Partial<Record<string, unknown>> = {},
): Record<string, unknown> {
  return {
    programmeId: 7n,
    beneficiaryRef,
    householdRef: keccak256(toUtf8Bytes(`household-of-${beneficiaryRef}`)),
    vendor: VENDOR,
    amount: 25n,
    evidenceHash: keccak256(toUtf8Bytes("evidence")),
    nonce: 1n,
    deadline: clock.seconds + 3600n,
    ...overrides,
  };
}

/** Resolves to the rejection, so tests can assert on the typed error; fails if nothing was thrown. */
export async function rejectionOf(
  promise: Promise<unknown> | (() => unknown),
): Promise<Error & Record<string, unknown>> {
  try {
    await (typeof promise === "function" ? promise() : promise);
  } catch (error) {
    return error as Error & Record<string, unknown>;
  }
  throw new Error("expected a rejection, but it resolved");
}
