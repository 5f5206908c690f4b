/**
 * The indexer: follows the contracts' events into read models (checkpointed by block, rewound on a
 * reorganisation), and the donors' faces built on them: a gift's timeline, its receipt code for cash
 * donors, server-sent events and signed webhooks with a durable retry queue.
 */
export { INDEXER_SQL } from "./schema";
export { indexOnce } from "./followChain";
export { followChainOnTime } from "./indexerTimer";
export { indexerStatus } from "./indexerStatus";
export type { IndexerStatus } from "./indexerStatus";
export { GiftNotifier } from "./giftNotifier";
export { readableGift, giftNotFound, indexedGift } from "./giftAccess";
export type { GiftReader, IndexedGift } from "./giftAccess";
export { giftTimeline } from "./giftTimeline";
export type { AnchoredConfirmation, DeliveryStatus, GiftTimeline, TimelineDelivery } from "./giftTimeline";
export { coarseRegions, postalArea, SMALL_COUNT, OTHER_REGION } from "./regions";
export type { RegionCount } from "./regions";
export { issueReceiptCode, giftOfReceiptCode, RECEIPT_SECRET_HEADER } from "./receiptCodes";
export type { GiftReceiptCode } from "./receiptCodes";
export { registerWebhook, registerWebhookSchema } from "./registerWebhook";
export type { RegisteredWebhook, RegisterWebhookParams } from "./registerWebhook";
export { deliverDueWebhooks } from "./webhookDispatcher";
export {
  EVENT_ID_HEADER,
  SIGNATURE_HEADER,
  signatureHeader,
  verifySignature,
  webhookSecret,
} from "./webhookSignature";
export { lastGiftEventId, listGiftEvents } from "./listGiftEvents";
export { GIFT_STREAM_HEARTBEAT_MS, streamGiftEvents } from "./giftStream";
export type { GiftStreamSink } from "./giftStream";
export { giftOfReceiptWatch, receiptWatchGrant, RECEIPT_WATCH_TTL_MS } from "./receiptWatch";
export { deliveriesOverTime, DELIVERY_DAYS_SHOWN } from "./deliveriesOverTime";
export type { DeliveriesOverTime, DeliveryDay } from "./deliveriesOverTime";
export { listProgrammeGifts } from "./listProgrammeGifts";
export type { ListProgrammeGiftsParams, ProgrammeGift } from "./listProgrammeGifts";
export { giftEventId } from "./projections";
export * from "./types";
