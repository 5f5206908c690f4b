import { Contract, JsonRpcProvider } from "ethers";
import { PERIOD_PATTERN } from "../recognition";
import { apiTarget, CliError, describeFailure, gatewayUrl, optionValue, requestJson } from "./apiClient";

export const RECOGNITION_USAGE = `  recognition <YYYY-MM>          a closed month's good coin and hours served: its anchored root, the opt-in
                                 donors' and volunteers' leaderboards (no key)
  recognition <YYYY-MM> --proof [--member <memberRef>] [--rpc <url> --anchor <ReceiptAnchor address>]
                                 the calling donor's total and Merkle proof (a donor's SINTECH_API_KEY), or
                                 with --member a time-bank member's minutes served (its coordinator's key);
                                 with --rpc, checked on chain by ReceiptAnchor.verifyReceipt, without
                                 trusting the gateway (exit 1 when it does not verify)`;

interface PeriodView {
  period: string;
  root: string;
  accounts: number;
  state: string;
  anchorTxHash: string | null;
  throughBlock: number;
  leaderboard: { rank: number; alias: string; goodCoin: string }[];
  volunteers: { rank: number; alias: string; minutesServed: number }[];
}

interface ProofView {
  period: string;
  kind: "gift" | "service";
  account: string;
  goodCoin: string;
  confirmationHash: string;
  proof: string[];
  root: string;
}

const VERIFY_ABI = [
  "function verifyReceipt(bytes32 root, bytes32 confirmationHash, bytes32[] proof) view returns (bool)",
];

/** `sintech recognition <YYYY-MM> [--proof [--rpc <url> --anchor <address>]]`. */
export async function recognitionCommand(args: string[]): Promise<number> {
  const [period, ...rest] = args;
  if (!period || !PERIOD_PATTERN.test(period))
    throw new CliError("recognition needs a month written YYYY-MM.");
  if (!rest.includes("--proof")) {
    const publicTarget = { url: gatewayUrl(process.env), apiKey: null };
    const result = await requestJson(publicTarget, "GET", `/v1/recognition/periods/${period}`);
    if (result.status >= 400) throw new CliError(describeFailure(result.status, result.body));
    const view = result.body as PeriodView;
    const lines = [
      `${view.period}: ${view.accounts} donors and members recognised; root ${view.root} (${view.state}` +
        `${view.anchorTxHash ? `, anchored in ${view.anchorTxHash}` : ""}), chain read through block ${view.throughBlock}`,
      `${"rank".padStart(4)}  ${"good coin".padStart(20)}  donor (opted in)`,
      ...view.leaderboard.map(
        (row) => `${String(row.rank).padStart(4)}  ${row.goodCoin.padStart(20)}  ${row.alias}`,
      ),
    ];
    if (view.volunteers.length > 0)
      lines.push(
        `${"rank".padStart(4)}  ${"minutes served".padStart(20)}  volunteer (opted in)`,
        ...view.volunteers.map(
          (row) => `${String(row.rank).padStart(4)}  ${String(row.minutesServed).padStart(20)}  ${row.alias}`,
        ),
      );
    process.stdout.write(`${lines.join("\n")}\n`);
    return 0;
  }
  const member = optionValue(rest, "--member");
  if (member !== undefined && !/^0x[0-9a-f]{64}$/.test(member))
    throw new CliError("--member needs a member ref: 0x and 64 lower-case hex digits.");
  const path =
    member === undefined
      ? `/v1/recognition/periods/${period}/proof`
      : `/v1/timebank/members/${member}/recognition/${period}`;
  const result = await requestJson(apiTarget(process.env), "GET", path);
  if (result.status >= 400) throw new CliError(describeFailure(result.status, result.body));
  const proof = result.body as ProofView;
  const what = proof.kind === "service" ? "minutes served" : "(base units)";
  process.stdout.write(
    `${proof.period}: ${proof.goodCoin} ${what} for ${proof.account}\nroot ${proof.root}, ` +
      `leaf ${proof.confirmationHash}, ${proof.proof.length} proof step(s)\n`,
  );
  const rpc = optionValue(rest, "--rpc");
  if (rpc === undefined) return 0;
  const anchor = optionValue(rest, "--anchor");
  if (!anchor || !/^0x[0-9a-fA-F]{40}$/.test(anchor))
    throw new CliError("--rpc needs --anchor <the ReceiptAnchor address>.");
  const provider = new JsonRpcProvider(rpc, undefined, { staticNetwork: true });
  try {
    const verified = (await new Contract(anchor, VERIFY_ABI, provider).getFunction("verifyReceipt")(
      proof.root,
      proof.confirmationHash,
      proof.proof,
    )) as boolean;
    process.stdout.write(verified ? "verified on chain\n" : "NOT verified on chain\n");
    return verified ? 0 : 1;
  } finally {
    provider.destroy();
  }
}
