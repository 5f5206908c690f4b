import { randomUUID } from "node:crypto";
import type { Request, Response, Router } from "express";
import { formatUnits, parseUnits } from "ethers";
import {
  acceptDelivery,
  deliveryView,
  listDeliveries,
  openDelivery,
  requestSmsCode,
  visibleDeliveryRow,
  type DeliveryDeps,
  type OpenDeliveryParams,
  vendorSettlement,
} from "../../delivery";
import { AppError, NotFoundError, ValidationError } from "../../errors";
import { html } from "../html";
import { tehranDay } from "../i18n/format";
import { errorBox, renderPage } from "../layout";
import { pageOf, requireCsrf, requirePageRole } from "../pageState";
import {
  deliveryDetail,
  HANDLE_KINDS,
  openForm,
  settlementTable,
  todayList,
  type HandleKind,
  type OpenFormValues,
} from "./vendorViews";

export interface VendorPageServices {
  delivery: DeliveryDeps;
}

const DELIVERY_ID = /^dlv_[0-9a-f-]{36}$/;
/** The newest deliveries read to find today's: more than a counter serves in a day. */
const DAY_LIMIT = 500;
const field = (body: Record<string, unknown>, name: string) =>
  typeof body[name] === "string" ? (body[name] as string).trim() : "";
/**
 * A form's digits as the number the use-case's schema expects; anything else is passed as it came, for the
 * schema to refuse naming the field (hence the cast: the use-case parses its input whatever the type says).
 */
const numberOrText = (value: string) => (/^[0-9]{1,15}$/.test(value) ? Number(value) : value) as number;

/**
 * The vendor's counter, sized for a phone: the day's deliveries and the open form; one delivery with its QR
 * for a wallet, an SMS code to send, the PIN or code to take, and its state until it is redeemed. Each form
 * calls the same use-cases as `POST /v1/deliveries`, `.../sms-code` and `.../acceptance`.
 */
export function registerVendorPages(router: Router, services: VendorPageServices): void {
  const deps = () => services.delivery;

  const counter = async (req: Request, res: Response, values: OpenFormValues = {}, error?: AppError) => {
    const page = pageOf(res);
    const [{ deliveries }, settlements] = await Promise.all([
      listDeliveries(deps(), page.session!, { limit: DAY_LIMIT }),
      vendorSettlement(deps(), page.session!.orgId),
    ]);
    const today = tehranDay(deps().now());
    const todays = deliveries.filter((delivery) => tehranDay(new Date(delivery.createdAt)) === today);
    const redeemed = todays
      .filter((delivery) => delivery.state === "redeemed")
      .reduce((sum, delivery) => sum + parseUnits(delivery.amount, deps().decimals), 0n);
    renderPage(req, res, {
      title: page.t("vendorTitle"),
      status: error?.status ?? 200,
      body: html`${errorBox(page, error)}
        <div class="cards">
          ${openForm(page, `web-${randomUUID()}`, values)}
          ${todayList(page, todays, formatUnits(redeemed, deps().decimals).replace(/\.0$/, ""))}
        </div>
        ${settlementTable(page, settlements)}`,
    });
  };

  /** The caller's own delivery, or the 404 of an unknown one (as the API answers). */
  const ownDelivery = (req: Request, res: Response) => {
    const deliveryId = String(req.params.deliveryId);
    const session = pageOf(res).session!;
    if (!DELIVERY_ID.test(deliveryId)) throw new NotFoundError("deliveryId", "No delivery has this id.");
    const row = visibleDeliveryRow(deps(), deliveryId, session);
    if (row.vendor_org_id !== session.orgId)
      throw new NotFoundError("deliveryId", "No delivery has this id.");
    return row;
  };

  const detail = async (req: Request, res: Response, notice?: string, error?: AppError) => {
    const page = pageOf(res);
    const view = await deliveryView(deps(), ownDelivery(req, res));
    renderPage(req, res, {
      title: `${page.t("delivery")} ${view.deliveryId.slice(4, 12)}`,
      status: error?.status ?? 200,
      scripts: ["vendor.js"],
      body: html`${errorBox(page, error)}${deliveryDetail(page, view, notice)}`,
    });
  };

  /** Refusals the page shows beside its form; anything else is the error page's. */
  const onRefusal = async (error: unknown, show: (refusal: AppError) => Promise<void>) => {
    if (error instanceof AppError && error.status < 500 && error.status !== 404) return show(error);
    throw error;
  };

  router.get("/app/vendor", requirePageRole("vendor"), (req, res) => counter(req, res));

  router.post("/app/vendor/deliveries", requirePageRole("vendor"), requireCsrf, async (req, res) => {
    const body = req.body as Record<string, unknown>;
    const handleKind = field(body, "handleKind") as HandleKind;
    const values: OpenFormValues = {
      programmeId: field(body, "programmeId"),
      handleKind: HANDLE_KINDS.includes(handleKind) ? handleKind : undefined,
      handle: handleKind === "nationalId" ? undefined : field(body, "handle"),
      amount: field(body, "amount"),
      item: field(body, "item"),
      quantity: field(body, "quantity"),
    };
    try {
      if (!HANDLE_KINDS.includes(handleKind))
        throw new ValidationError("handleKind", "invalid_enum_value", "Choose how the household is named.");
      const { delivery } = await openDelivery(deps(), pageOf(res).session!.orgId, {
        programmeId: numberOrText(values.programmeId!),
        [handleKind]: field(body, "handle"),
        amount: values.amount!,
        item: values.item as OpenDeliveryParams["item"],
        quantity: values.quantity === "" ? 1 : numberOrText(values.quantity!),
        idempotencyKey: field(body, "idempotencyKey"),
      });
      res.redirect(303, `/app/vendor/deliveries/${delivery.deliveryId}`);
    } catch (error) {
      // An unknown programme or household is the form's to show too: the vendor typed it.
      if (error instanceof AppError && error.status < 500) return counter(req, res, values, error);
      throw error;
    }
  });

  router.get("/app/vendor/deliveries/:deliveryId", requirePageRole("vendor"), (req, res) =>
    detail(req, res, req.query.sent === "1" ? pageOf(res).t("smsSent") : undefined),
  );

  router.post(
    "/app/vendor/deliveries/:deliveryId/sms-code",
    requirePageRole("vendor"),
    requireCsrf,
    async (req, res) => {
      const row = ownDelivery(req, res);
      try {
        await requestSmsCode(deps(), row.delivery_id);
      } catch (error) {
        return onRefusal(error, (refusal) => detail(req, res, undefined, refusal));
      }
      res.redirect(303, `/app/vendor/deliveries/${row.delivery_id}?sent=1`);
    },
  );

  router.post(
    "/app/vendor/deliveries/:deliveryId/acceptance",
    requirePageRole("vendor"),
    requireCsrf,
    async (req, res) => {
      const row = ownDelivery(req, res);
      const body = req.body as Record<string, unknown>;
      const proofKind = field(body, "proofKind");
      try {
        if (proofKind !== "pin" && proofKind !== "smsCode")
          throw new ValidationError("proofKind", "invalid_enum_value", "Choose a PIN or an SMS code.");
        await acceptDelivery(deps(), { deliveryId: row.delivery_id, [proofKind]: field(body, "code") });
      } catch (error) {
        return onRefusal(error, (refusal) => detail(req, res, undefined, refusal));
      }
      res.redirect(303, `/app/vendor/deliveries/${row.delivery_id}`);
    },
  );
}
