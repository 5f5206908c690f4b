import { randomBytes } from "node:crypto";
import { JsonRpcProvider, parseUnits, ZeroAddress } from "ethers";
import {
  AidLedger__factory,
  BeneficiaryRegistry__factory,
  TestSettlementToken__factory,
} from "../../../typechain-types";
import type { Api } from "./api";
import { check, type EnrolAndFundResult } from "./enrolAndFund";
import { AMOUNT_PER_HOUSEHOLD } from "./fixtures";

export interface Verification {
  sampled: number;
  registered: number;
  covered: number;
  given: string;
  outstanding: string;
  summary: string;
}

interface Status {
  contracts: { ledger: string; registry: string; settlementToken: string };
}

/**
 * Reads the chain directly, not through the gateway: every 100th household (and the last) must have its
 * head registered with a wallet and one coverage of this programme for the full amount this period; the
 * programme's outstanding entitlements must equal households × amount; and a reference never enrolled
 * must show no coverage, so the check is not vacuous.
 */
export async function verifyOnChain(
  api: Api,
  regulatorKey: string,
  chainUrl: string,
  run: EnrolAndFundResult,
): Promise<Verification> {
  const { contracts } = await api.get<Status>("/v1/status", regulatorKey);
  const { settlementToken } = contracts;
  const provider = new JsonRpcProvider(chainUrl, undefined, { staticNetwork: true });
  try {
    const ledger = AidLedger__factory.connect(contracts.ledger, provider);
    const registry = BeneficiaryRegistry__factory.connect(contracts.registry, provider);
    const pid = run.programmeId;
    const period = await ledger.currentPeriod(pid);
    check(
      Number(period) === run.period,
      `the programme's period turned during the run (${run.period} to ${period})`,
    );
    const decimals = Number(await TestSettlementToken__factory.connect(settlementToken, provider).decimals());
    const units = parseUnits(AMOUNT_PER_HOUSEHOLD.toString(), decimals);
    const sample = run.households.filter((_, i) => i % 100 === 0 || i === run.households.length - 1);
    let registered = 0;
    let covered = 0;
    for (const household of sample) {
      const [wallet, coverages] = await Promise.all([
        registry.activeWalletIn(household.headRef, household.householdRef),
        ledger.coveragesInScope(pid, household.householdRef, period),
      ]);
      if (wallet !== ZeroAddress) registered++;
      if (coverages.some((c) => c.programmeId === BigInt(pid) && c.amount === units)) covered++;
    }
    const stranger = await ledger.coveragesInScope(pid, `0x${randomBytes(32).toString("hex")}`, period);
    const funds = await ledger.fundsOf(pid);
    const expected = units * BigInt(run.households.length);
    check(registered === sample.length, `${registered}/${sample.length} sampled heads registered`);
    check(covered === sample.length, `${covered}/${sample.length} sampled households covered`);
    check(stranger.length === 0, "a reference never enrolled shows a coverage");
    check(funds.outstanding === expected, `outstanding ${funds.outstanding} != ${expected}`);
    check(funds.given === expected, `given ${funds.given} != ${expected}`);
    return {
      sampled: sample.length,
      registered,
      covered,
      given: funds.given.toString(),
      outstanding: funds.outstanding.toString(),
      summary:
        `${covered}/${sample.length} sampled households covered on chain for the full amount, ` +
        `${registered}/${sample.length} heads registered; outstanding = ${run.households.length} × amount; ` +
        `unknown ref uncovered`,
    };
  } finally {
    provider.destroy();
  }
}
