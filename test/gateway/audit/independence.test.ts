import { expect } from "chai";
import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";

const AUDIT = path.resolve(__dirname, "../../../src/audit");
const SRC = path.resolve(__dirname, "../../../src");

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    return statSync(full).isDirectory() ? files(full) : name.endsWith(".ts") ? [full] : [];
  });
}

/**
 * The verifier must rebuild the ledger from the chain alone: nothing in `src/audit` may reach another room of
 * the gateway (its database, or a use-case reading it). It may reach the contracts' ABIs (typechain) only.
 */
describe("audit: independent of the gateway", () => {
  it("imports no other room of src/ (no database, no use-case)", () => {
    const sources = files(AUDIT);
    expect(sources.length).to.be.greaterThan(10);
    const reaches: string[] = [];
    for (const file of sources) {
      for (const match of readFileSync(file, "utf8").matchAll(/from\s+["'](\.{1,2}\/[^"']*)["']/g)) {
        const target = path.resolve(path.dirname(file), match[1]!);
        const insideSrc = !path.relative(SRC, target).startsWith("..");
        const insideAudit = !path.relative(AUDIT, target).startsWith("..");
        if (insideSrc && !insideAudit) reaches.push(`${path.relative(SRC, file)} → ${match[1]}`);
      }
    }
    expect(reaches).to.deep.equal([]);
  });
});
