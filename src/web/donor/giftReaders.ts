/** The roles that may read a gift by its id, as `GET /v1/gifts/{giftId}/timeline`. */
export const GIFT_READERS = ["donor", "charity", "auditor", "regulator"] as const;
/** A gift id as a page takes it: plain decimal digits, no leading zero. */
export const GIFT_ID = /^[1-9][0-9]{0,15}$/;
