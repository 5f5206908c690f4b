import { createHash } from "node:crypto";
import {
  createMasterKeyRing,
  createPepperRing,
  type MasterKeyRing,
  type PepperRing,
} from "../../../src/identity";

/** A deterministic 32-byte secret per label, so test refs are stable across runs. */
export const testSecret = (label: string): Buffer =>
  createHash("sha256").update(`sintech-test:${label}`).digest();

export function testPeppers(versions: number[] = [1], current = versions.at(-1)!): PepperRing {
  return createPepperRing({
    current,
    keys: versions.map((version) => ({ version, secret: testSecret(`pepper-${version}`) })),
  });
}

export function testMasterKeys(versions: number[] = [1], current = versions.at(-1)!): MasterKeyRing {
  return createMasterKeyRing({
    current,
    keys: versions.map((version) => ({ version, secret: testSecret(`master-${version}`) })),
  });
}
