import { expect } from "chai";
import type { BaseContract } from "ethers";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/signers";
import type { Actors } from "./system";

/** The roles of the fixture that a privileged function may have to refuse. */
export const ROLE_NAMES = [
  "regulator",
  "charity",
  "charity2",
  "vendor",
  "fieldAgent",
  "auditor",
  "registrar",
  "donor",
  "stranger",
] as const;
export type RoleName = (typeof ROLE_NAMES)[number];

/**
 * Role matrix: calls `call` as every role in `refused` and expects each call to revert with
 * `errorName`; `args`, when given, names the custom error's arguments for that caller.
 */
export function shouldRefuseRoles(
  title: string,
  refused: readonly RoleName[],
  setup: () => Promise<{
    actors: Actors;
    contract: BaseContract;
    call: (as: HardhatEthersSigner) => Promise<unknown>;
  }>,
  errorName: string,
  args?: (caller: HardhatEthersSigner) => unknown[],
): void {
  for (const role of refused) {
    it(`${title}: reverts with ${errorName} when called by ${role}`, async function () {
      const { actors, contract, call } = await setup();
      const caller = actors[role];
      const assertion = expect(call(caller)).to.be.revertedWithCustomError(contract, errorName);
      if (args) await assertion.withArgs(...args(caller));
      else await assertion;
    });
  }
}
