import { expect } from "chai";
import { AppError } from "../../../src/errors";
import {
  assessEligibility,
  enrolHousehold,
  evaluateEligibility,
  meansTestScore,
  type EligibilityProfile,
  type ProgrammeRule,
} from "../../../src/households";
import { syntheticNationalId } from "../../../src/identity";
import { openHouseholdFixture, type HouseholdFixture } from "./householdFixture";

const POVERTY_LINE = { povertyLinePerPerson: 10_000_000 };

const profile = (extra: Partial<EligibilityProfile> = {}): EligibilityProfile => ({
  size: 4,
  headJobCode: "employee",
  memberJobCodes: ["employee", "homemaker", "pupil", "pupil"],
  socialHarms: [],
  income: 40_000_000, // exactly the poverty line per person
  insured: true,
  ...extra,
});

const disabilityRelief: ProgrammeRule = {
  id: "relief-disability-2026",
  layer: "relief",
  category: "cash",
  targetGroups: [
    {
      name: "households with a severe disability",
      all: [{ attribute: "disabilitySeverity", atLeast: "severe" }],
    },
    {
      name: "uninsured households without an earner",
      all: [
        { attribute: "insured", equals: false },
        { attribute: "headEarnsIncome", equals: false },
      ],
    },
  ],
  meansTestMax: 40,
};

describe("households: means test and eligibility", () => {
  let fx: HouseholdFixture | undefined;

  function fixture() {
    fx = openHouseholdFixture();
    return fx;
  }

  afterEach(() => fx?.cleanup());

  it("scores 50 at the poverty line and applies each documented adjustment", () => {
    expect(meansTestScore(profile(), POVERTY_LINE)).to.deep.equal({
      score: 50,
      factors: [{ reason: "income per person is between one and two times the poverty line", points: 50 }],
    });
    const needy = meansTestScore(
      profile({
        size: 7,
        income: 21_000_000, // 0.3 of the line per person → base 15
        headJobCode: "unemployed",
        disability: "physical",
        disabilitySeverity: "severe",
        socialHarms: ["addiction", "homelessness", "imprisonment"],
        insured: false,
      }),
      POVERTY_LINE,
    );
    expect(needy.factors.map((f) => f.points)).to.deep.equal([15, -15, -10, -10, -5, -6]);
    expect(needy.score).to.equal(0); // clamped at 0
    expect(meansTestScore(profile({ income: 200_000_000 }), POVERTY_LINE).score).to.equal(100);
    expect(meansTestScore(profile({ disability: "sensory" }), POVERTY_LINE).score).to.equal(40);
    expect(meansTestScore(profile({ income: undefined }), POVERTY_LINE)).to.deep.equal({
      score: null,
      factors: [],
    });
  });

  it("is eligible when a target group matches and the score is within the limit, and says why", () => {
    const result = evaluateEligibility(
      profile({ disability: "physical", disabilitySeverity: "severe", income: 30_000_000 }),
      disabilityRelief,
      POVERTY_LINE,
    );
    expect(result.eligible).to.equal(true);
    expect(result.score).to.equal(23); // base round(50 × 0.75) = 38, severe disability −15
    expect(result.reasons).to.deep.equal([
      'Eligible for the relief programme "relief-disability-2026" (cash).',
      'Meets the target group "households with a severe disability": a disability of at least severe severity.',
      "Means-test score 23 of 100 (0 = no means, 100 = ample means):",
      "  income per person is below the poverty line: +38",
      "  a member has a severe disability: −15",
      "The score is within the programme's limit of 40.",
    ]);
  });

  it("is not eligible outside every target group, and names what each group requires", () => {
    const result = evaluateEligibility(
      profile({ insured: undefined, income: 10_000_000 }),
      disabilityRelief,
      POVERTY_LINE,
    );
    expect(result.eligible).to.equal(false);
    expect(result.reasons.slice(0, 3)).to.deep.equal([
      'Not eligible for the relief programme "relief-disability-2026" (cash).',
      'Does not meet the target group "households with a severe disability": requires a disability of at least severe severity.',
      'Does not meet the target group "uninsured households without an earner": requires the household is not insured (not declared) and the head of household has no earned income.',
    ]);
  });

  it("is not eligible when the score is above the limit, or when no income was declared", () => {
    const wellOff = evaluateEligibility(
      profile({ disability: "physical", disabilitySeverity: "severe", income: 100_000_000 }),
      disabilityRelief,
      POVERTY_LINE,
    );
    expect(wellOff).to.deep.include({ eligible: false, score: 85 });
    expect(wellOff.reasons.at(-1)).to.equal("The score is above the programme's limit of 40.");
    const undeclared = evaluateEligibility(
      profile({ disability: "physical", disabilitySeverity: "severe", income: undefined }),
      disabilityRelief,
    );
    expect(undeclared).to.deep.include({ eligible: false, score: null });
    expect(undeclared.reasons).to.include(
      "No income was declared, so the means test this programme requires cannot be applied.",
    );
  });

  it("matches job predicates on the head and on any member, and size ranges", () => {
    const pupils: ProgrammeRule = {
      id: "school-kits",
      layer: "support",
      category: "education",
      targetGroups: [
        {
          name: "large families with pupils",
          all: [
            { attribute: "memberJob", anyOf: ["pupil", "student"] },
            { attribute: "size", min: 4 },
          ],
        },
      ],
    };
    const result = evaluateEligibility(profile(), pupils, POVERTY_LINE);
    expect(result.eligible).to.equal(true);
    expect(result.reasons[1]).to.equal(
      'Meets the target group "large families with pupils": a member is pupil or student; the household has at least 4 people.',
    );
    expect(result.reasons.at(-1)).to.equal(
      "The programme has no means-test limit; the score only sets priority.",
    );
    expect(evaluateEligibility(profile({ memberJobCodes: ["employee"] }), pupils).eligible).to.equal(false);
  });

  it("assesses an enrolled household from its vault and explains it without personal data", async () => {
    const { ctx } = fixture();
    const ids = [syntheticNationalId(11), syntheticNationalId(12), syntheticNationalId(13)];
    const { householdRef } = await enrolHousehold(ctx, {
      members: ids.map((nationalId, i) => ({
        nationalId,
        name: `Person ${i}`,
        jobCode: i === 0 ? "homemaker" : "pupil",
        isHead: i === 0,
      })),
      postalCode: "1318514357",
      attributes: { income: 15_000_000, insured: false },
    });
    const result = await assessEligibility(ctx, {
      householdRef,
      programme: disabilityRelief,
      meansTest: POVERTY_LINE,
    });
    expect(result).to.deep.include({
      householdRef,
      programmeId: "relief-disability-2026",
      eligible: true,
      score: 10,
    });
    expect(result.reasons).to.include(
      'Meets the target group "uninsured households without an earner": the household is not insured; the head of household has no earned income.',
    );
    const text = JSON.stringify(result);
    for (const secret of [...ids, "1318514357", "Person", "15000000", "15,000,000"])
      expect(text).not.to.include(secret);
  });

  it("refuses a malformed programme rule with a 400 naming the field", async () => {
    const { ctx } = fixture();
    const bad = {
      ...disabilityRelief,
      targetGroups: [{ name: "x", all: [{ attribute: "size" }] }],
    } as unknown as ProgrammeRule;
    const error = await assessEligibility(ctx, { householdRef: "0x" + "0".repeat(64), programme: bad }).catch(
      (e: unknown) => e,
    );
    expect(error)
      .to.be.instanceOf(AppError)
      .and.include({ status: 400, field: "programme.targetGroups[0].all[0]" });
    const missing = await assessEligibility(ctx, {
      householdRef: "0x" + "0".repeat(64),
      programme: disabilityRelief,
    }).catch((e: unknown) => e);
    expect(missing).to.be.instanceOf(AppError).and.include({ status: 404, field: "householdRef" });
  });
});
