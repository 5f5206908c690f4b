import { expect } from "chai";
import { Wallet, type JsonRpcPayload } from "ethers";
import { batches } from "../../../src/chain/provider";
import { useOutboxWorld } from "./outboxFixture";

/**
 * The gateway's provider batches the calls made together, as ethers does, but measures each payload once:
 * ethers serialised the growing batch again for every payload it added (about 50 times each for a batch of
 * 100), which was 6 s of a 100,000-household disbursement's CPU in its 500-at-a-time coverage reads.
 */
describe("Gateway provider: JSON-RPC batches", function () {
  const world = useOutboxWorld("sintech-provider", 19500);

  const payload = (id: number, size = 0): { payload: JsonRpcPayload } => ({
    payload: { id, jsonrpc: "2.0", method: "eth_call", params: [{ data: `0x${"ab".repeat(size)}` }] },
  });

  it("cuts the queue at 100 payloads or about 1 MB, in order", function () {
    const many = Array.from({ length: 250 }, (_, i) => payload(i));
    expect([...batches(many)].map((b) => b.length)).to.deep.equal([100, 100, 50]);
    const large = Array.from({ length: 5 }, (_, i) => payload(i, 200_000)); // ~400 KB of hex each
    const cut = [...batches(large)];
    expect(cut.map((b) => b.length)).to.deep.equal([2, 2, 1]);
    expect(cut.flat().map((entry) => entry.payload.id)).to.deep.equal([0, 1, 2, 3, 4]);
    // One payload larger than a batch still goes, alone.
    expect([...batches([payload(0, 600_000)])].map((b) => b.length)).to.deep.equal([1]);
  });

  it("answers 500 calls made together from batches of at most 100, serialising each payload about twice", async function () {
    const provider = world.provider;
    const accounts = Array.from({ length: 500 }, () => Wallet.createRandom().address);
    const sent: number[] = [];
    const send = provider._send.bind(provider);
    provider._send = (body) => {
      sent.push(Array.isArray(body) ? body.length : 1);
      return send(body);
    };
    const stringify = JSON.stringify;
    let serialised = 0;
    JSON.stringify = ((value: unknown, ...rest: never[]) => {
      if (Array.isArray(value) && (value[0] as JsonRpcPayload | undefined)?.jsonrpc)
        serialised += value.length;
      else if ((value as JsonRpcPayload | undefined)?.jsonrpc) serialised++;
      return stringify(value, ...rest);
    }) as typeof JSON.stringify;
    let balances: string[];
    try {
      balances = await Promise.all(
        accounts.map((account, i) =>
          provider
            .send(i === 7 ? "eth_getBalance_nope" : "eth_getBalance", [account, "latest"])
            .catch((error: { error?: { code?: number } }) => `refused ${error.error?.code}`),
        ),
      );
    } finally {
      JSON.stringify = stringify;
      provider._send = send;
    }
    expect(sent.reduce((a, b) => a + b, 0)).to.equal(500);
    expect(Math.max(...sent)).to.be.at.most(100);
    expect(serialised).to.be.at.most(2 * 500 + 10); // and a few for the refusal's message
    // Each answer is its own call's: the unknown method is refused alone, the others answer.
    expect(balances[7]).to.equal("refused -32601");
    expect(balances.filter((b) => b === "0x0")).to.have.length(499);
  });
});
