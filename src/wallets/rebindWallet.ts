import { encodeBytes32String, getAddress } from "ethers";
import { BeneficiaryRegistry__factory } from "../../typechain-types/factories/contracts/registry/BeneficiaryRegistry__factory";
import { NotFoundError, ValidationError } from "../errors";
import type { WalletsContext } from "./context";
import { ControlNotProvenError } from "./errors";
import { parseAddress, parseBeneficiaryRef } from "./inputs";
import type { Custody } from "./records";
import { refuseWalletOfAnother } from "./refuseWalletOfAnother";

export interface RebindWalletParams {
  beneficiaryRef: string;
  /** A self-custodied wallet the beneficiary proved control of, or a fresh custodial wallet. */
  to: string | { custodial: true };
  /**
   * Why, as a short code such as `lost_phone` or `key_compromised`. It goes on chain as bytes32, so
   * free text (where someone might type a name) is refused.
   */
  reason: string;
}

/** The BeneficiaryRegistry.rebindWallet call the chain room submits from the registrar account. */
export interface RebindCall {
  beneficiaryRef: string;
  previousWallet: string;
  /** EIP-55 checksummed, as it goes on chain. */
  newWallet: string;
  custody: Custody;
  /** The reason code as bytes32. */
  reason: string;
  reasonCode: string;
  /** ABI-encoded `rebindWallet(beneficiaryRef, newWallet, reason)`. */
  calldata: string;
  reboundAt: string;
}

const REASON = /^[a-z][a-z0-9_]{2,30}$/;
/** A proof of control older than this does not count: the person may have lost that wallet since. */
export const PROOF_FRESHNESS_MS = 24 * 60 * 60 * 1000;

const registry = BeneficiaryRegistry__factory.createInterface();

/**
 * Moves a beneficiary to a new wallet (lost phone, compromised key, a switch between self-custody and
 * custodial), records the change in the history and returns the on-chain call. Entitlements follow on
 * chain because they are held per household.
 */
export async function rebindWallet(ctx: WalletsContext, params: RebindWalletParams): Promise<RebindCall> {
  const beneficiaryRef = parseBeneficiaryRef(params.beneficiaryRef);
  const reasonCode = params.reason;
  if (typeof reasonCode !== "string" || !REASON.test(reasonCode)) {
    throw new ValidationError(
      "reason",
      "format",
      "A reason is a code of 3 to 31 lower-case letters, digits or _",
    );
  }
  const toCustodial = typeof params.to === "object" && params.to !== null && params.to.custodial === true;
  const target = toCustodial ? undefined : parseAddress(params.to, "to");

  return ctx.db.transaction((): RebindCall => {
    const current = ctx.records.binding(beneficiaryRef);
    if (!current) throw new NotFoundError("beneficiaryRef", "No wallet is bound to this beneficiary");
    const now = ctx.now();
    const at = now.toISOString();

    let newAddress: string;
    let custody: Custody;
    if (target === undefined) {
      // Always a new key: the old custodial one may be the reason for the rebind.
      newAddress = ctx.keystore.create("custodial", beneficiaryRef);
      custody = "custodial";
    } else {
      if (target === current.address)
        throw new ValidationError("to", "same_wallet", "This wallet is already bound");
      refuseWalletOfAnother(ctx.records, target, beneficiaryRef, "to");
      // Without this, a typo or a hostile registrar could move someone's aid to a wallet they do not hold.
      if (
        !ctx.records.provenSince(
          beneficiaryRef,
          target,
          new Date(now.getTime() - PROOF_FRESHNESS_MS).toISOString(),
        )
      ) {
        throw new ControlNotProvenError();
      }
      newAddress = target;
      custody = "self";
    }
    ctx.records.rebind(beneficiaryRef, current.address, newAddress, custody, reasonCode, at);

    const newWallet = getAddress(newAddress);
    const reason = encodeBytes32String(reasonCode);
    return {
      beneficiaryRef,
      previousWallet: getAddress(current.address),
      newWallet,
      custody,
      reason,
      reasonCode,
      calldata: registry.encodeFunctionData("rebindWallet", [beneficiaryRef, newWallet, reason]),
      reboundAt: at,
    };
  })();
}
