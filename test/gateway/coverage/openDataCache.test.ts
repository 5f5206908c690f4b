import { expect } from "chai";
import {
  openDataCache,
  type CoverageDeps,
  type OpenDataParams,
  type OpenDataReport,
} from "../../../src/coverage";
import { ValidationError } from "../../../src/errors";
import { openTempStore, type TempStore } from "../db/tempStore";

const PERIOD_END = Date.parse("2026-12-31T00:00:00Z");

describe("open data served from its last report while it holds (coverage/openDataCache)", () => {
  let temp: TempStore;
  let clock: number;
  let computed: OpenDataParams[];
  let fail: boolean;

  const setBlock = (block: number) =>
    temp.store.sqlite
      .prepare(
        `INSERT INTO indexer_checkpoint (id, block_number, block_hash, updated_at) VALUES (1, ?, '0x', '')
         ON CONFLICT (id) DO UPDATE SET block_number = excluded.block_number`,
      )
      .run(block);

  /** A stand-in computation that records each call and answers a report naming the call's number. */
  const compute = async (_deps: CoverageDeps, params: OpenDataParams): Promise<OpenDataReport> => {
    computed.push(params);
    await new Promise((resolve) => setTimeout(resolve, 5));
    if (fail) throw new ValidationError("period", "future_period", "The programme's current period is 3.");
    return {
      kind: "sintech-open-data",
      programmeId: params.programmeId,
      programmeName: `call ${computed.length}`,
      period: params.period ?? 3,
      periodStartsAt: "2026-12-01T00:00:00.000Z",
      periodEndsAt: new Date(PERIOD_END).toISOString(),
      smallCountThreshold: 5,
      totals: { householdsCovered: 0, amountIssued: "0", amountRedeemed: "0", deliveries: 0, vendors: 0 },
      regions: [],
      indexedThroughBlock: null,
    };
  };
  const cache = (maxEntries?: number) =>
    openDataCache({ db: temp.store.sqlite } as CoverageDeps, { now: () => clock, compute, maxEntries });

  beforeEach(() => {
    temp = openTempStore();
    clock = Date.parse("2026-12-02T12:00:00Z");
    computed = [];
    fail = false;
    setBlock(10);
  });
  afterEach(() => temp.cleanup());

  it("computes a period once for repeated and for concurrent requests while the indexer reads nothing new", async () => {
    const openData = cache();
    const first = await openData({ programmeId: 4, period: 2 });
    const again = await Promise.all([1, 2, 3].map(() => openData({ programmeId: 4, period: 2 })));
    expect(computed).to.have.length(1);
    expect(again.every((report) => report === first)).to.equal(true);
    const concurrent = await Promise.all([1, 2, 3].map(() => openData({ programmeId: 4 })));
    expect(computed).to.have.length(2);
    expect(new Set(concurrent).size).to.equal(1);
  });

  it("computes again once the indexer has read a later block, or the report is a minute old", async () => {
    const openData = cache();
    await openData({ programmeId: 4, period: 2 });
    setBlock(11);
    expect((await openData({ programmeId: 4, period: 2 })).programmeName).to.equal("call 2");
    clock += 59_999;
    expect((await openData({ programmeId: 4, period: 2 })).programmeName).to.equal("call 2");
    clock += 1;
    expect((await openData({ programmeId: 4, period: 2 })).programmeName).to.equal("call 3");
  });

  it("keeps each programme and period apart", async () => {
    const openData = cache();
    await openData({ programmeId: 4, period: 2 });
    await openData({ programmeId: 4, period: 1 });
    await openData({ programmeId: 5, period: 2 });
    await openData({ programmeId: 4 });
    expect(computed).to.deep.equal([
      { programmeId: 4, period: 2 },
      { programmeId: 4, period: 1 },
      { programmeId: 5, period: 2 },
      { programmeId: 4 },
    ]);
  });

  it("does not serve the current period's report once that period has ended", async () => {
    const openData = cache();
    clock = PERIOD_END - 10_000;
    await openData({ programmeId: 4 });
    clock = PERIOD_END;
    await openData({ programmeId: 4 });
    expect(computed).to.have.length(2);
  });

  it("never keeps a refusal: the next request asks again", async () => {
    const openData = cache();
    fail = true;
    await expect(openData({ programmeId: 4, period: 9 })).to.be.rejectedWith(ValidationError);
    fail = false;
    expect((await openData({ programmeId: 4, period: 9 })).period).to.equal(9);
    expect(computed).to.have.length(2);
  });

  it("keeps at most maxEntries reports, dropping the oldest", async () => {
    const openData = cache(2);
    for (const period of [1, 2, 3]) await openData({ programmeId: 4, period });
    await openData({ programmeId: 4, period: 3 });
    await openData({ programmeId: 4, period: 1 });
    expect(computed.map((params) => params.period)).to.deep.equal([1, 2, 3, 1]);
  });
});
