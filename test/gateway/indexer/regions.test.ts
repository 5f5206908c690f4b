import { expect } from "chai";
import { coarseRegions, postalArea } from "../../../src/indexer";

describe("indexer: coarse regions and the small-count rule", () => {
  it("shows a region only with five households or more; fewer, and unknown ones, are 'other'", () => {
    const regions = [
      ...Array<string>(5).fill("postal-13"),
      ...Array<string>(4).fill("postal-71"),
      ...Array<string>(7).fill("postal-51"),
      "postal-99",
      null,
    ];
    expect(coarseRegions(regions)).to.deep.equal([
      { region: "postal-51", households: 7 },
      { region: "postal-13", households: 5 },
      { region: "other", households: 6 },
    ]);
  });

  it("shows nothing but 'other' when no region reaches five, and nothing at all for no household", () => {
    expect(coarseRegions(["postal-13", "postal-13", "postal-71", "postal-71"])).to.deep.equal([
      { region: "other", households: 4 },
    ]);
    expect(coarseRegions([])).to.deep.equal([]);
  });

  it("keeps only the postal code's first two digits", () => {
    expect(postalArea("1318514357")).to.equal("postal-13");
  });
});
