import { NotFoundError, ValidationError } from "../../errors";
import type { WalletsContext } from "../context";
import { SigningRefusedError } from "../errors";
import { parseAddress, parseBeneficiaryRef } from "../inputs";
import { passAccessCheck, type AccessCheck } from "./accessCheck";
import {
  DELIVERY_RECEIPT_TYPES,
  deliveryReceiptDigest,
  parseAidLedgerDomain,
  parseDeliveryReceipt,
  type AidLedgerDomain,
  type DeliveryReceipt,
} from "./deliveryReceipt";
import { releaseSignature, reserveSignature, type CustodialCaps } from "./signingCaps";
import {
  MANDATE_REVOCATION_TYPES,
  mandateRevocationDigest,
  PREMIUM_MANDATES_DOMAIN_NAME,
  PREMIUM_MANDATES_DOMAIN_VERSION,
  STANDING_MANDATE_TYPES,
  standingMandateDigest,
  type MandateRevocation,
  type PremiumMandatesDomain,
  type StandingMandateTerms,
} from "./standingMandate";

export interface CustodialSignerOptions {
  caps: CustodialCaps;
  /** The one ledger receipts are signed for: a receipt for any other domain is refused. */
  ledger: { chainId: bigint | number; verifyingContract: string };
  /**
   * Latest deadline accepted, in seconds from now. A custodial signature is a standing authorisation
   * until its deadline, so it stays short; a week leaves room for confirmations queued offline.
   */
  maxReceiptLifetimeSeconds?: number;
  /**
   * The one PremiumMandates standing mandates and their revocations are signed for; without it the signer
   * signs none.
   */
  mandates?: { chainId: bigint | number; verifyingContract: string };
}

export interface SignReceiptRequest {
  beneficiaryRef: string;
  check: AccessCheck;
}

export interface SignReceiptResult {
  /** 65-byte signature, hex: the `beneficiarySignature` of AidLedger.redeem. */
  signature: string;
  /** The EIP-712 digest, which the ledger also uses as the redemption id. */
  digest: string;
  /** The custodial wallet that signed, lower-case. */
  address: string;
  /** False when this exact receipt had been signed before (a retry), so it was not counted again. */
  counted: boolean;
}

export const DEFAULT_MAX_RECEIPT_LIFETIME_SECONDS = 7 * 24 * 3600;

/**
 * Signs delivery receipts with the custodial wallets of people who have no phone of their own. It
 * signs only an AidLedger `DeliveryReceipt`, only for the requesting beneficiary's own custodial
 * wallet, only after a PIN or OTP check, and only within the daily caps; every signature is logged.
 */
export class CustodialSigner {
  readonly #ctx: WalletsContext;
  readonly #caps: CustodialCaps;
  readonly #ledger: { chainId: bigint; verifyingContract: string };
  readonly #maxLifetime: bigint;
  readonly #mandates: PremiumMandatesDomain | undefined;

  constructor(ctx: WalletsContext, options: CustodialSignerOptions) {
    const { maxSignaturesPerDay, maxAmountPerDay } = options.caps;
    if (!Number.isSafeInteger(maxSignaturesPerDay) || maxSignaturesPerDay < 1) {
      throw new RangeError("maxSignaturesPerDay must be a positive integer");
    }
    if (typeof maxAmountPerDay !== "bigint" || maxAmountPerDay < 1n)
      throw new RangeError("maxAmountPerDay must be a positive bigint");
    this.#ctx = ctx;
    this.#caps = { maxSignaturesPerDay, maxAmountPerDay };
    this.#ledger = {
      chainId: BigInt(options.ledger.chainId),
      verifyingContract: parseAddress(options.ledger.verifyingContract, "ledger.verifyingContract"),
    };
    this.#maxLifetime = BigInt(options.maxReceiptLifetimeSeconds ?? DEFAULT_MAX_RECEIPT_LIFETIME_SECONDS);
    this.#mandates = options.mandates && {
      name: PREMIUM_MANDATES_DOMAIN_NAME,
      version: PREMIUM_MANDATES_DOMAIN_VERSION,
      chainId: Number(options.mandates.chainId),
      verifyingContract: parseAddress(options.mandates.verifyingContract, "mandates.verifyingContract"),
    };
  }

  async signReceipt(
    request: SignReceiptRequest,
    domain: unknown,
    receipt: unknown,
  ): Promise<SignReceiptResult> {
    // Everything that can be refused without a PIN is refused first, so it costs no PIN attempt.
    const beneficiaryRef = parseBeneficiaryRef(request?.beneficiaryRef);
    const ledgerDomain = this.#checkDomain(parseAidLedgerDomain(domain));
    const parsed = parseDeliveryReceipt(receipt);
    this.#checkReceipt(beneficiaryRef, parsed);
    const address = this.#ownCustodialWallet(beneficiaryRef);

    return this.#checkAndSign(beneficiaryRef, address, request.check, {
      digest: deliveryReceiptDigest(ledgerDomain, parsed),
      amount: parsed.amount,
      sign: (signer) => signer.signTypedData(ledgerDomain, DELIVERY_RECEIPT_TYPES, { ...parsed }),
    });
  }

  /**
   * Signs a member's standing premium mandate (nazr-e bimeh) with its own custodial wallet, after the same
   * PIN or OTP check and within the same caps as a receipt: the premium per period counts against the daily
   * amount, since a mandate lets the insurer take that much each period. Only for the configured
   * PremiumMandates, only the member's own terms, only with a short acceptance deadline.
   */
  async signMandate(request: SignReceiptRequest, terms: StandingMandateTerms): Promise<SignReceiptResult> {
    const beneficiaryRef = parseBeneficiaryRef(request?.beneficiaryRef);
    const domain = this.#mandateDomain();
    if (terms.beneficiaryRef !== beneficiaryRef) {
      throw new SigningRefusedError(
        "mandate.beneficiaryRef",
        "other_beneficiary",
        "A custodial wallet signs only its own member's mandates",
      );
    }
    if (terms.premiumPerPeriod <= 0n)
      throw new ValidationError("mandate.premiumPerPeriod", "zero", "The premium must be above zero");
    this.#checkDeadline(terms.deadline, "mandate.deadline");
    const address = this.#ownCustodialWallet(beneficiaryRef);
    return this.#checkAndSign(beneficiaryRef, address, request.check, {
      digest: standingMandateDigest(domain, terms),
      amount: terms.premiumPerPeriod,
      sign: (signer) => signer.signTypedData(domain, STANDING_MANDATE_TYPES, { ...terms }),
    });
  }

  /** Signs a member's revocation of a mandate of its household, after the check; it moves no money. */
  async signRevocation(
    request: SignReceiptRequest,
    revocation: MandateRevocation,
  ): Promise<SignReceiptResult> {
    const beneficiaryRef = parseBeneficiaryRef(request?.beneficiaryRef);
    const domain = this.#mandateDomain();
    if (revocation.memberRef !== beneficiaryRef) {
      throw new SigningRefusedError(
        "revocation.memberRef",
        "other_beneficiary",
        "A custodial wallet signs only its own member's revocations",
      );
    }
    this.#checkDeadline(revocation.deadline, "revocation.deadline");
    const address = this.#ownCustodialWallet(beneficiaryRef);
    return this.#checkAndSign(beneficiaryRef, address, request.check, {
      digest: mandateRevocationDigest(domain, revocation),
      amount: 0n,
      sign: (signer) => signer.signTypedData(domain, MANDATE_REVOCATION_TYPES, { ...revocation }),
    });
  }

  /** The access check, then the caps and the signing log in one transaction, then the signature. */
  async #checkAndSign(
    beneficiaryRef: string,
    address: string,
    accessCheck: AccessCheck,
    what: {
      digest: string;
      amount: bigint;
      sign(signer: ReturnType<WalletsContext["keystore"]["signer"]>): Promise<string>;
    },
  ): Promise<SignReceiptResult> {
    const ctx = this.#ctx;
    const check = await passAccessCheck(ctx, beneficiaryRef, accessCheck);
    const reservation = reserveSignature(ctx, this.#caps, {
      beneficiaryRef,
      address,
      digest: what.digest,
      amount: what.amount,
      check,
    });
    try {
      const signature = await what.sign(ctx.keystore.signer(address));
      return { signature, digest: what.digest, address, counted: reservation !== null };
    } catch (error) {
      if (reservation !== null) releaseSignature(ctx, reservation);
      throw error;
    }
  }

  #mandateDomain(): PremiumMandatesDomain {
    if (!this.#mandates)
      throw new ValidationError("domain", "no_mandates", "This signer signs no premium mandates");
    return this.#mandates;
  }

  #checkDeadline(deadline: bigint, field: string): void {
    const now = BigInt(Math.floor(this.#ctx.now().getTime() / 1000));
    if (deadline <= now) throw new ValidationError(field, "expired", "The deadline has passed");
    if (deadline > now + this.#maxLifetime)
      throw new ValidationError(field, "too_far", "The deadline is too far in the future");
  }

  #checkDomain(domain: AidLedgerDomain): AidLedgerDomain {
    if (
      domain.chainId !== this.#ledger.chainId ||
      domain.verifyingContract !== this.#ledger.verifyingContract
    ) {
      throw new ValidationError(
        "domain",
        "ledger_mismatch",
        "Receipts are signed only for the configured AidLedger",
      );
    }
    return domain;
  }

  #checkReceipt(beneficiaryRef: string, receipt: DeliveryReceipt): void {
    if (receipt.beneficiaryRef !== beneficiaryRef) {
      throw new SigningRefusedError(
        "receipt.beneficiaryRef",
        "other_beneficiary",
        "A custodial wallet signs only its own beneficiary's receipts",
      );
    }
    if (receipt.amount === 0n)
      throw new ValidationError("receipt.amount", "zero", "The amount must be above zero");
    this.#checkDeadline(receipt.deadline, "receipt.deadline");
  }

  /** The binding must be custodial and active, and its key must be this beneficiary's custodial key. */
  #ownCustodialWallet(beneficiaryRef: string): string {
    const binding = this.#ctx.records.binding(beneficiaryRef);
    if (!binding) throw new NotFoundError("beneficiaryRef", "No wallet is bound to this beneficiary");
    if (binding.custody !== "custodial") {
      throw new SigningRefusedError(
        "beneficiaryRef",
        "not_custodial",
        "This beneficiary signs with their own wallet",
      );
    }
    if (binding.status !== "active") {
      throw new SigningRefusedError(
        "beneficiaryRef",
        "wallet_suspended",
        "This beneficiary's wallet is suspended",
      );
    }
    const key = this.#ctx.keystore.describe(binding.address);
    if (key?.purpose !== "custodial" || key.owner !== beneficiaryRef) {
      throw new SigningRefusedError(
        "beneficiaryRef",
        "not_own_wallet",
        "The bound wallet is not this beneficiary's custodial key",
      );
    }
    return binding.address;
  }
}
