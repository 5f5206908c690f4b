import { requireRole } from "../auth/requireRole";
import { validate, validated } from "../validation";
import { errorResponses, jsonRequestBody, jsonResponse, secured } from "../openapi/jsonSchema";
import type { DeliveryRouteServices, RouteModule } from "../routeModule";
import * as docs from "./offlineDeliverySchemas";
import { rateLimiter } from "../middleware/rateLimit";
import { accessContext } from "./accessContext";
import {
  issueOfflinePack,
  MAX_PACK_HOUSEHOLDS,
  offlineKey,
  offlinePackSchema,
  offlineUploadSchema,
  uploadOfflineDeliveries,
} from "../../delivery";

/** Packs a vendor may ask for per minute, all its keys together: a few devices re-syncing, not a sweep. */
export const PACK_RATE_LIMIT = { windowMs: 60_000, max: 10 } as const;

/**
 * Offline vendor devices: the gateway's public key to seal PINs to, the signed pack a device opens
 * deliveries from with the internet cut, and the upload of the acceptances a device collected offline. Mounted before `deliveryRoutes`, whose `/v1/deliveries/:deliveryId`
 * would otherwise take these paths.
 */
export function offlineDeliveryRoutes(services: DeliveryRouteServices): RouteModule {
  const deps = () => services.delivery;
  return {
    register(router) {
      router.get("/v1/deliveries/offline-key", requireRole("vendor"), (_req, res) => {
        const key = offlineKey({ db: deps().db, keystoreKeys: deps().wallets.keystoreKeys });
        res.json({
          keyId: key.keyId,
          algorithm: key.algorithm,
          publicKey: key.publicKey.toString("base64url"),
        });
      });
      router.post(
        "/v1/deliveries/offline-packs",
        requireRole("vendor"),
        rateLimiter({ ...PACK_RATE_LIMIT, per: "organisation" }),
        validate(offlinePackSchema),
        async (req, res) => {
          const { reader, purpose, requestId } = accessContext(req, res);
          res
            .status(201)
            .json(
              await issueOfflinePack(
                deps(),
                { ...reader, purpose, requestId },
                validated(res, offlinePackSchema),
              ),
            );
        },
      );
      router.post(
        "/v1/deliveries/offline",
        requireRole("vendor"),
        validate(offlineUploadSchema),
        async (_req, res) => {
          const result = await uploadOfflineDeliveries(
            deps(),
            res.locals.principal!.orgId,
            validated(res, offlineUploadSchema),
          );
          res.status(result.replayed ? 200 : 201).json(result);
        },
      );
    },
    openapi: {
      "/v1/deliveries/offline-key": {
        get: secured(["vendor"], {
          operationId: "getOfflineKey",
          summary: "The gateway's public key that an offline device seals a typed PIN to",
          description:
            "X25519: the device makes an ephemeral key pair, derives an AES-256-GCM key with HKDF-SHA256 over the shared secret " +
            "(salt: the ephemeral then the gateway's public key; info `sintech offline pin v1`) and seals the delivery's " +
            "`redemptionId` (32 bytes) followed by the PIN's digits. Wire form, base64url: `0x01`, the ephemeral public key, " +
            "the 12-byte IV, the 16-byte tag, the ciphertext; the first 33 bytes are the associated data. The vendor never " +
            "sees the PIN, and a sealed PIN opens only for the delivery it was typed for. `sintech deliveries seal-pin` does this.",
          tags: ["deliveries"],
          responses: {
            "200": jsonResponse("The key", docs.offlineKey.schema, docs.offlineKey.example),
          },
        }),
      },
      "/v1/deliveries/offline-packs": {
        post: secured(["vendor"], {
          operationId: "issueOfflinePack",
          summary: "A signed pack a device opens deliveries from while offline",
          description:
            "For the households a device serves (named by keyed reference, at most " +
            `${MAX_PACK_HOUSEHOLDS}), what it needs to build and take receipts with the internet cut: each household's ` +
            "balance in the programme (base units), its members' keyed references and wallets (`custody`: who signs), and " +
            "`receiptsPerHousehold` receipt nonces (default 4, at most 8) reserved to this `deviceId` alone: no online " +
            "delivery and no other device takes them. Asking again keeps the nonces the device still holds and tops them " +
            "up. Also the EIP-712 domain, the entitlement id and the key to seal PINs to. Households unknown, without a " +
            "wallet or with nothing left are left out alike; each one included is in the access log " +
            "(`delivery.offline_pack`). The gateway signs the pack (Ed25519 over its canonical JSON, keys sorted); the " +
            `device pins \`signingKey\` and checks the signature. At most ${PACK_RATE_LIMIT.max} packs a minute per vendor.`,
          tags: ["deliveries"],
          requestBody: jsonRequestBody(offlinePackSchema, {
            programmeId: 4,
            deviceId: "device-17",
            householdRefs: [docs.offlinePack.example.pack.households[0]!.householdRef],
            receiptsPerHousehold: 4,
          }),
          responses: {
            "201": jsonResponse("The signed pack", docs.offlinePack.schema, docs.offlinePack.example),
            ...errorResponses(400, 404),
          },
        }),
      },
      "/v1/deliveries/offline": {
        post: secured(["vendor"], {
          operationId: "uploadOfflineDeliveries",
          summary:
            "Upload the acceptances a device collected while offline, for deliveries it opened online or offline",
          description:
            "Each item names one of the vendor's open deliveries (`deliveryId`), or carries a `receipt` the device opened " +
            "offline from its pack (the EIP-712 `DeliveryReceipt` message as signed, its nonce one the pack reserved, with " +
            "`item` and `quantity`), the time the household accepted on the device, and exactly " +
            "one proof: `signature` (the member's wallet, EIP-712 over the receipt) or `sealedPin` (the PIN typed at the " +
            "device, sealed to `GET /v1/deliveries/offline-key` for that delivery). Each is checked as online, the PIN " +
            "against the wallet's attempt limit, and is accepted (its redemption queued; the outbox redeems many in one " +
            "`redeemBatch`) or refused with its own reason while the rest go on: `not_found`, `replayed` (already accepted, " +
            "disputed or closed), `time_invalid`, `sealed_pin_invalid` (changed, or sealed to another key), " +
            "`sealed_for_another_delivery`, `pin_incorrect`, `locked`, `expired`, a signature's problem; a receipt opened " +
            "offline is checked as an opening would be too (`vendor_mismatch`, `nonce_not_reserved`, `replayed`, " +
            "`nonce_used`, `deadline_invalid`, `period_ended`, `vendor_not_allowed`, `not_member`, `above_entitlement`). The same " +
            "`idempotencyKey` with the same items answers the same outcomes (200) without running any again; with other items, 409.",
          tags: ["deliveries"],
          requestBody: jsonRequestBody(offlineUploadSchema, {
            idempotencyKey: "device-17-2026-12-01-batch-3",
            items: [
              {
                deliveryId: "dlv_6b1f3c2e-8a4d-4f7b-9c0e-1d2a3b4c5d6e",
                acceptedAt: "2026-12-01T09:30:00.000Z",
                sealedPin:
                  "AXhFr0cP2b3k1sX4mC9vQ7nT5yW8zR6aB1dE3fG5hJ7kL9mN0pQ2rS4tU6vW8xY0zA1bC3dE5fG7hJ9kL1mN3pQ5rS7tU9vW1xY3zA5bC7dE9fG1hJ3kL5mN7pQ9rS1tU3vW5",
              },
              {
                deliveryId: "dlv_7c2a4d3f-9b5e-4a8c-8d1f-2e3b4c5d6e7f",
                acceptedAt: "2026-12-01T09:41:00.000Z",
                signature: `0x${"1b".repeat(65)}`,
              },
              {
                receipt: {
                  programmeId: "4",
                  beneficiaryRef: docs.offlinePack.example.pack.households[0]!.members[0]!.beneficiaryRef,
                  householdRef: docs.offlinePack.example.pack.households[0]!.householdRef,
                  vendor: docs.offlinePack.example.pack.vendor,
                  amount: "50000000000000000000000",
                  evidenceHash: `0x${"00".repeat(32)}`,
                  nonce: "5228288",
                  deadline: "1764666000",
                },
                item: "food-basket",
                quantity: 1,
                acceptedAt: "2026-12-01T10:02:00.000Z",
                signature: `0x${"1c".repeat(65)}`,
              },
            ],
          }),
          responses: {
            "201": jsonResponse("Each item's outcome", docs.offlineUpload.schema, docs.offlineUpload.example),
            "200": jsonResponse("The same upload again: the outcomes it had", docs.offlineUpload.schema, {
              ...docs.offlineUpload.example,
              replayed: true,
            }),
            ...errorResponses(400, 409),
          },
        }),
      },
    },
  };
}
