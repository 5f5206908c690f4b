import { expect } from "chai";
import { randomBytes } from "node:crypto";
import { Interface, type EventFragment, type ParamType } from "ethers";
import { logDecoder } from "../../../src/chain/logDecoder";
import {
  AidLedger__factory,
  AuditLog__factory,
  BeneficiaryRegistry__factory,
  LicenceRegistry__factory,
  ReceiptAnchor__factory,
} from "../../../typechain-types";

const INTERFACES: Record<string, Interface> = {
  ledger: AidLedger__factory.createInterface(),
  registry: BeneficiaryRegistry__factory.createInterface(),
  licences: LicenceRegistry__factory.createInterface(),
  anchor: ReceiptAnchor__factory.createInterface(),
  auditLog: AuditLog__factory.createInterface(),
};

/** A random value of an ABI type, as ethers encodes it. */
function sample(param: ParamType): unknown {
  const type = param.type;
  if (type === "address") return "0x" + randomBytes(20).toString("hex");
  if (type === "bool") return randomBytes(1)[0]! % 2 === 1;
  if (type === "string") return "bafy" + randomBytes(8).toString("hex") + " سلام";
  if (type === "bytes") return "0x" + randomBytes(37).toString("hex");
  const fixed = /^bytes(\d+)$/.exec(type);
  if (fixed) return "0x" + randomBytes(Number(fixed[1])).toString("hex");
  const uint = /^uint(\d*)$/.exec(type);
  if (uint) return BigInt("0x" + randomBytes(Number(uint[1] || 256) / 8).toString("hex"));
  const int = /^int(\d*)$/.exec(type);
  if (int) return BigInt.asIntN(Number(int[1] || 256), BigInt("0x" + randomBytes(32).toString("hex")));
  if (param.baseType === "array") return [sample(param.arrayChildren!), sample(param.arrayChildren!)];
  if (param.baseType === "tuple") return param.components!.map(sample);
  throw new Error(`no sample for ${type}`);
}

/** What the general ABI decoder gives, in the decoder's JSON form (decimal strings, lower-case hex). */
function expected(param: ParamType, value: unknown): unknown {
  if (param.indexed && (param.isArray() || param.isTuple() || ["string", "bytes"].includes(param.type)))
    return (value as { hash: string }).hash.toLowerCase();
  if (typeof value === "bigint") return value.toString();
  if (typeof value === "string") return param.type === "string" ? value : value.toLowerCase();
  if (Array.isArray(value)) {
    const child = param.arrayChildren;
    return value.map((item, index) => expected(child ?? param.components![index]!, item));
  }
  return value;
}

describe("chain: logDecoder", function () {
  for (const [contract, iface] of Object.entries(INTERFACES)) {
    const fragments: EventFragment[] = [];
    iface.forEachEvent((fragment) => fragments.push(fragment));

    it(`reads every event of the ${contract} (${fragments.length}) as the ABI decoder does`, function () {
      const decode = logDecoder(iface);
      for (const fragment of fragments) {
        for (let round = 0; round < 8; round++) {
          const values = fragment.inputs.map(sample);
          const { data, topics } = iface.encodeEventLog(fragment, values);
          const reference = iface.decodeEventLog(fragment, data, topics);
          const decoded = decode(topics, data);
          expect(decoded?.name, fragment.format()).to.equal(fragment.name);
          fragment.inputs.forEach((input, index) => {
            expect(decoded!.args[input.name], `${fragment.format()} ${input.name}`).to.deep.equal(
              expected(input, reference[index]),
            );
          });
        }
      }
    });
  }

  it("gives null for a log of no known event, and for a log shorter than its event", function () {
    const iface = INTERFACES.registry!;
    const decode = logDecoder(iface);
    expect(decode(["0x" + "ab".repeat(32)], "0x")).to.equal(null);
    expect(decode([], "0x")).to.equal(null);
    const fragment = iface.getEvent("BeneficiaryRegistered")!;
    const { data, topics } = iface.encodeEventLog(fragment, fragment.inputs.map(sample));
    expect(decode(topics, data)?.name).to.equal("BeneficiaryRegistered");
    expect(decode(topics.slice(0, 2), data)).to.equal(null);
  });
});
