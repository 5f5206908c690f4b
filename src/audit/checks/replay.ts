import { keccakInto } from "../chain/keccak";
import { eventKey, type MandateEvidence } from "../recovery/mandateRecovery";
import { LicenceKind, LicenceBook } from "../state/licences";
import { MandateBook } from "../state/mandates";
import { WalletBook } from "../state/wallets";
import type { ChainEvent, RedemptionRecord } from "../types";
import type { Findings } from "./findings";
import { checkMandateAccepted, checkMandateRevoked } from "./mandateCheck";
import { checkRedemption, type ContractWalletQuestion, type RedemptionEvidence } from "./redemptionCheck";
import { ReplayState, splitEntitlementId, type ProgrammeInfo } from "./replayState";

const ZERO = "0x0000000000000000000000000000000000000000";
const Outflow = { Settlement: 0n, Refund: 1n, Reallocation: 2n } as const;

export interface ReplayInput {
  /** Stored parameters the events do not carry (`requiresFieldAgent`), by programme id. */
  requiresFieldAgent: ReadonlyMap<string, boolean>;
  evidence: ReadonlyMap<string, RedemptionEvidence>;
  /** Each accepted mandate's rebuilt digest and recovered signer, by the event's position (absent: none read). */
  mandateEvidence?: ReadonlyMap<string, MandateEvidence>;
  findings: Findings;
}

export interface ReplayOutput {
  state: ReplayState;
  questions: ContractWalletQuestion[];
  redemptions: RedemptionRecord[];
}

export interface Replay {
  /** Replays the next events, in chain order: a page at a time, as the chain is read. */
  step(events: readonly ChainEvent[]): void;
  /** Ends the walk: the checks that need every event (a last burn, each redemption's attribution). */
  finish(): ReplayOutput;
}

/** `startReplay` over all the events at once. */
export function replay(input: ReplayInput & { events: readonly ChainEvent[] }): ReplayOutput {
  const walk = startReplay(input);
  walk.step(input.events);
  return walk.finish();
}

/**
 * Walks every event once, in chain order, rebuilding licences, wallets, premium mandates, programmes, coverages and the money,
 * and checks each act against the state of the chain just before it. The evidence of a page's redemptions
 * (and the stored parameters of its programmes) must be in `input` before the page is stepped.
 */
export function startReplay(input: ReplayInput): Replay {
  const { findings } = input;
  const state = new ReplayState();
  const licences = new LicenceBook();
  const wallets = new WalletBook();
  const mandates = new MandateBook();
  const questions: ContractWalletQuestion[] = [];
  const mandateContext = { mandates, wallets, findings, questions };
  const redemptions: RedemptionRecord[] = [];
  /** A burn waits for the next event: a redemption follows its own burn; anything else means an eviction. */
  let pendingBurn: ChainEvent | undefined;
  /** The burn just before the redemption being read: its account and period are the entitlement used. */
  let redemptionBurn: ChainEvent | undefined;
  let nextMintIsClaim = false;

  const money = (programmeId: string, event: ChainEvent) => state.lastMoneyEvent.set(programmeId, event);

  const settleBurn = (event: ChainEvent | undefined) => {
    if (!pendingBurn) return;
    const burn = pendingBurn;
    pendingBurn = undefined;
    const isRedemption =
      event?.name === "DeliveryRedeemed" &&
      event.txHash === burn.txHash &&
      event.logIndex === burn.logIndex + 1;
    if (isRedemption) {
      redemptionBurn = burn;
      return;
    }
    // An ended programme's unredeemed cover gave its place in the group to another programme.
    const { programmeId, period } = splitEntitlementId(burn.args.id as bigint);
    const account = (burn.args.from as string).toLowerCase();
    state.scopesIn(programmeId, period).get(account)?.delete(programmeId);
  };

  const step = (events: readonly ChainEvent[]) => {
    for (const event of events) {
      settleBurn(event);
      if (event.source === "licences") {
        licences.apply(event);
        continue;
      }
      if (event.source === "registry") {
        wallets.apply(event);
        continue;
      }
      if (event.source === "mandates") {
        if (event.name === "MandateAccepted")
          checkMandateAccepted(event, input.mandateEvidence?.get(eventKey(event)), mandateContext);
        else if (event.name === "MandateRevoked") checkMandateRevoked(event, mandateContext);
        continue;
      }
      const args = event.args;
      switch (event.name) {
        case "ExclusivityGroupCreated":
        case "ExclusivityGroupCapChanged":
          state.groupCaps.set(Number(args.groupId), Number(args.maxCoverages));
          break;
        case "ProgrammeCreated": {
          const programmeId = (args.programmeId as bigint).toString();
          const info: ProgrammeInfo = {
            programmeId: args.programmeId as bigint,
            charity: (args.charity as string).toLowerCase(),
            layer: Number(args.layer),
            category: Number(args.category),
            token: (args.token as string).toLowerCase(),
            groupId: Number(args.groupId),
            capPerPeriod: args.capPerPeriod as bigint,
            requiresFieldAgent: input.requiresFieldAgent.get(programmeId) ?? false,
            created: event,
          };
          state.programmes.set(programmeId, info);
          state.booksOf(programmeId).token = info.token;
          if (
            !licences.isLicensed(
              info.charity,
              LicenceKind.Charity,
              event.timestamp,
              info.layer,
              info.category,
            )
          ) {
            findings.add(
              "licence",
              `charity ${info.charity} held no valid charity licence`,
              event,
              programmeId,
            );
          }
          break;
        }
        case "VendorAllowanceChanged": {
          const key = `${args.programmeId as bigint}:${(args.vendor as string).toLowerCase()}`;
          if (args.allowed) state.vendorsAllowed.add(key);
          else state.vendorsAllowed.delete(key);
          break;
        }
        case "GiftReceived": {
          const programmeId = (args.programmeId as bigint).toString();
          const giftId = (args.giftId as bigint).toString();
          const amount = args.amount as bigint;
          state.gifts.set(giftId, {
            programmeId,
            amount,
            paid: 0n,
            refunded: 0n,
            received: event,
            last: event,
          });
          const books = state.booksOf(programmeId);
          books.given += amount;
          books.gifts.set(giftId, amount);
          money(programmeId, event);
          break;
        }
        case "GiftSpent": {
          const giftId = (args.giftId as bigint).toString();
          const programmeId = (args.programmeId as bigint).toString();
          const amount = args.amount as bigint;
          const gift = state.gifts.get(giftId);
          const books = state.booksOf(programmeId);
          if (!gift || gift.programmeId !== programmeId) {
            findings.add(
              "gift_conservation",
              `money left gift ${giftId}, which this programme never received`,
              event,
              programmeId,
            );
            break;
          }
          if (args.kind === Outflow.Settlement) {
            gift.paid += amount;
            books.paid += amount;
            const redemption = state.redemptions.get((args.ref as string).toLowerCase());
            if (redemption) redemption.attributed += amount;
            else findings.add("attribution", "a settlement piece names no redemption", event, programmeId);
          } else {
            gift.refunded += amount;
            books.refunded += amount;
          }
          gift.last = event;
          if (gift.paid + gift.refunded > gift.amount) {
            findings.add(
              "gift_conservation",
              `gift ${giftId} spent ${gift.paid + gift.refunded}, more than its ${gift.amount}`,
              event,
              programmeId,
            );
          }
          money(programmeId, event);
          break;
        }
        case "GiftSettlementReversed": {
          const programmeId = (args.programmeId as bigint).toString();
          const gift = state.gifts.get((args.giftId as bigint).toString());
          const amount = args.amount as bigint;
          const books = state.booksOf(programmeId);
          if (gift) {
            gift.paid -= amount;
            gift.last = event;
            if (gift.paid < 0n)
              findings.add(
                "gift_conservation",
                "a reversal took back more than was paid",
                event,
                programmeId,
              );
          }
          books.paid -= amount;
          const redemption = state.redemptions.get((args.ref as string).toLowerCase());
          if (redemption) {
            const vendor = (redemption.event.args.vendor as string).toLowerCase();
            books.paidTo.set(vendor, (books.paidTo.get(vendor) ?? 0n) - amount);
          }
          money(programmeId, event);
          break;
        }
        case "SettlementCollected": {
          const programmeId = (args.programmeId as bigint).toString();
          const books = state.booksOf(programmeId);
          books.collected += args.amount as bigint;
          if (books.collected > books.paid) {
            findings.add(
              "money_conservation",
              `vendors collected ${books.collected}, more than paid ${books.paid}`,
              event,
              programmeId,
            );
          }
          money(programmeId, event);
          break;
        }
        case "RoundPublished": {
          const key = `${args.programmeId as bigint}:${args.period as bigint}`;
          state.outstanding.set(key, (state.outstanding.get(key) ?? 0n) + (args.total as bigint));
          break;
        }
        case "RoundClaimed":
          nextMintIsClaim = true;
          break;
        case "TransferSingle": {
          const from = (args.from as string).toLowerCase();
          const to = (args.to as string).toLowerCase();
          if (from === ZERO) {
            mint(event, to, nextMintIsClaim);
            nextMintIsClaim = false;
          } else if (to === ZERO) {
            pendingBurn = event;
          }
          break;
        }
        case "DeliveryRedeemed":
          redeem(event);
          break;
        case "EntitlementsExpired": {
          const key = `${args.programmeId as bigint}:${args.period as bigint}`;
          const expected = state.outstanding.get(key) ?? 0n;
          if ((args.amount as bigint) !== expected) {
            findings.add(
              "expired_value",
              `period ${args.period as bigint} returned ${args.amount as bigint} to the budget; its unredeemed entitlements were ${expected}`,
              event,
              args.programmeId as bigint,
            );
          }
          state.outstanding.set(key, 0n);
          break;
        }
        case "ReceiptsAnchored": {
          state.anchors.set((args.root as string).toLowerCase(), event);
          const registrar = (args.registrar as string).toLowerCase();
          if (!licences.isLicensed(registrar, LicenceKind.Registrar, event.timestamp)) {
            findings.add("licence", `registrar ${registrar} held no valid licence when it anchored`, event);
          }
          break;
        }
      }
    }
  };
  const finish = (): ReplayOutput => {
    settleBurn(undefined);
    for (const [redemptionId, redemption] of state.redemptions) {
      if (redemption.attributed !== redemption.amount) {
        findings.add(
          "attribution",
          `redemption ${redemptionId} of ${redemption.amount} was settled from gifts for ${redemption.attributed}`,
          redemption.event,
          redemption.event.args.programmeId as bigint,
        );
      }
    }
    return { state, questions, redemptions };
  };
  return { step, finish };

  function mint(event: ChainEvent, account: string, isClaim: boolean): void {
    const { programmeId, period } = splitEntitlementId(event.args.id as bigint);
    const amount = event.args.value as bigint;
    const programme = state.programmes.get(programmeId);
    const coverages = state.coveragesIn(programmeId, period);
    const coverage = coverages.get(account) ?? { amount: 0n, redeemed: 0n };
    if (coverage.amount > 0n) {
      findings.add(
        "group_cap",
        "a second coverage of one household in one programme and period",
        event,
        programmeId,
      );
    }
    coverage.amount += amount;
    coverages.set(account, coverage);
    if (programme && coverage.amount > programme.capPerPeriod) {
      findings.add(
        "entitlement_cap",
        `entitlement of ${coverage.amount} above the programme's cap of ${programme.capPerPeriod}`,
        event,
        programmeId,
      );
    }
    const scopes = state.scopesIn(programmeId, period);
    const scope = scopes.get(account) ?? new Set<string>();
    scope.add(programmeId);
    scopes.set(account, scope);
    const cap = programme && programme.groupId !== 0 ? (state.groupCaps.get(programme.groupId) ?? 0) : 1;
    if (scope.size > cap) {
      findings.add(
        "group_cap",
        `household covered ${scope.size} times in period ${period}, above its group's cap of ${cap}`,
        event,
        programmeId,
      );
    }
    if (!isClaim) {
      const outstandingKey = `${programmeId}:${period}`;
      state.outstanding.set(outstandingKey, (state.outstanding.get(outstandingKey) ?? 0n) + amount);
      const operator = (event.args.operator as string).toLowerCase();
      if (
        programme &&
        (operator !== programme.charity ||
          !licences.isLicensed(
            operator,
            LicenceKind.Charity,
            event.timestamp,
            programme.layer,
            programme.category,
          ))
      ) {
        findings.add(
          "licence",
          `issued by ${operator}, not the programme's licensed charity`,
          event,
          programmeId,
        );
      }
    }
  }

  function redeem(event: ChainEvent): void {
    const args = event.args;
    const programmeId = (args.programmeId as bigint).toString();
    const redemptionId = (args.redemptionId as string).toLowerCase();
    const amount = args.amount as bigint;
    const vendor = (args.vendor as string).toLowerCase();
    const programme = state.programmes.get(programmeId);
    const { question } = checkRedemption(event, programme, input.evidence.get(redemptionId), {
      licences,
      wallets,
      mandates,
      vendorAllowed: state.vendorsAllowed.has(`${programmeId}:${vendor}`),
      findings,
    });
    if (question) questions.push(question);
    const burn = redemptionBurn;
    redemptionBurn = undefined;
    const evidence = input.evidence.get(redemptionId);
    const period = burn
      ? splitEntitlementId(burn.args.id as bigint).period
      : evidence && evidence.submitted.receipt.nonce >> 8n;
    if (!burn) findings.add("entitlement_balance", "a redemption burned no entitlement", event, programmeId);
    if (period !== undefined) {
      const householdRef = (args.householdRef as string).toLowerCase();
      const account =
        evidence?.householdAccount && evidence.submitted.receipt.householdRef === householdRef
          ? evidence.householdAccount
          : householdAccount(householdRef);
      const coverage = state.coveragesIn(programmeId, period).get(account);
      const remaining = coverage ? coverage.amount - coverage.redeemed : 0n;
      if (remaining < amount) {
        findings.add(
          "entitlement_balance",
          `redeemed ${amount} of a remaining entitlement of ${remaining}`,
          event,
          programmeId,
        );
      }
      if (coverage) coverage.redeemed += amount;
      const outstandingKey = `${programmeId}:${period}`;
      state.outstanding.set(outstandingKey, (state.outstanding.get(outstandingKey) ?? 0n) - amount);
    }
    if (state.redemptions.has(redemptionId)) {
      findings.add("redemption_calldata", "the same receipt was redeemed twice", event, programmeId);
    }
    state.redemptions.set(redemptionId, { amount, attributed: 0n, event });
    const books = state.booksOf(programmeId);
    books.redemptions++;
    books.paidTo.set(vendor, (books.paidTo.get(vendor) ?? 0n) + amount);
    redemptions.push({ programmeId, vendor, amount: amount.toString(), timestamp: event.timestamp });
    money(programmeId, event);
  }
}

const ACCOUNT_HASH = new Uint8Array(32);

/** `householdAccountOf` (contracts/types/HouseholdAccounts.sol): the low 160 bits of `keccak256(householdRef)`. */
function householdAccount(householdRef: string): string {
  const hash = keccakInto(Buffer.from(householdRef.slice(2), "hex"), 0, 32, ACCOUNT_HASH, 0);
  return `0x${Buffer.from(hash.buffer, 12, 20).toString("hex")}`;
}
