import { randomBytes } from "node:crypto";
import { join } from "node:path";
import { openSqliteStore } from "../../../src/db";
import { beneficiaryRef, createPepperRing, householdRef } from "../../../src/identity";
import type { Fixture } from "./fixtures";

export interface WriteBaseline {
  households: number;
  rows: number;
  refsMs: number;
  insertMs: number;
}

/**
 * What enrolling the same households costs without the gateway: their keyed references (HMAC, as the
 * gateway computes them), then the household and member rows written with the gateway's own prepared
 * statements, schema and pragmas, in one SQLite transaction. No HTTP, CSV validation, vault
 * encryption, duplicate checks, per-household transactions or import report.
 */
export function rawSqliteBaseline(dir: string, fixture: Fixture): WriteBaseline {
  const { sample } = fixture;
  const peppers = createPepperRing({ current: 1, keys: [{ version: 1, secret: randomBytes(32) }] });
  const store = openSqliteStore(join(dir, "baseline.db"));
  try {
    const refsStarted = performance.now();
    const members = sample.nationalIds.map((id) => beneficiaryRef(peppers, id));
    const households = fixture.headRows.map((row) => householdRef(peppers, sample.nationalIds[row]!));
    const refsMs = performance.now() - refsStarted;

    const insertStarted = performance.now();
    const createdAt = new Date().toISOString();
    store.transaction(() => {
      fixture.headRows.forEach((first, h) => {
        const ref = households[h]!;
        store.households.insert({
          householdRef: ref,
          pepperVersion: 1,
          status: "active",
          sensitive: false,
          createdAt,
        });
        for (let row = first; row < first + sample.householdSizes[h]!; row++) {
          store.members.insert({
            beneficiaryRef: members[row]!,
            householdRef: ref,
            pepperVersion: 1,
            role: row === first ? "head" : "member",
            jobCode: "unemployed",
            createdAt,
          });
        }
      });
    });
    const insertMs = performance.now() - insertStarted;
    return { households: households.length, rows: members.length, refsMs, insertMs };
  } finally {
    store.close();
  }
}
