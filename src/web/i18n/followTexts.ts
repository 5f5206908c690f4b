/** The words of the donor's live notices and webhook form: kept beside texts.ts, which spreads them in. */
export const followEn = {
  liveHeading: "Live notices",
  liveIntro:
    "While this page is open it follows the gift: when a delivery paid from it is confirmed on chain, or money of it is refunded or reallocated, a notice appears here.",
  liveFollowing: "Following the gift.",
  liveNeedsScript: "Live notices need JavaScript; without it, reload the page to see what is new.",
  liveStopped: "Live notices stopped. Reload the page to follow the gift again.",
  notice_delivered: "A delivery paid from this gift was confirmed on chain: {amount}.",
  notice_refunded: "Part of this gift was refunded: {amount}.",
  notice_reallocated: "Part of this gift was reallocated to another programme: {amount}.",
  notice_reversed: "A settlement paid from this gift was reversed: {amount}.",
  webhookHeading: "Notifications to your own server (webhook)",
  webhookIntro:
    "The gateway sends each event of this gift (or of all your gifts) to the address you give, as a signed POST: its Sintech-Signature header is checked with the secret shown once after registering.",
  webhookUrl: "Address (http or https)",
  webhookScope: "Which gifts",
  webhookThisGift: "Only this gift",
  webhookAllGifts: "All my gifts",
  webhookRegister: "Register the webhook",
  webhookRegisteredTitle: "Webhook registered",
  webhookId: "Webhook id",
  webhookSecret: "Signing secret (shown only now)",
  webhookSecretHint:
    "Keep it now: the receiver checks each request's Sintech-Signature with it, and it cannot be shown again.",
  backToGift: "Back to the gift",
} as const;

export const followFa: Record<keyof typeof followEn, string> = {
  liveHeading: "اعلان‌های زنده",
  liveIntro:
    "تا این صفحه باز است، کمک را دنبال می‌کند: وقتی تحویلی که از این کمک پرداخت شده روی زنجیره تأیید شود، یا بخشی از آن بازگردانده یا جابه‌جا شود، اعلانی این‌جا پیدا می‌شود.",
  liveFollowing: "در حال پیگیری کمک.",
  liveNeedsScript:
    "اعلان‌های زنده به جاوااسکریپت نیاز دارد؛ بدون آن، برای دیدن رویدادهای تازه صفحه را تازه کنید.",
  liveStopped: "اعلان‌های زنده متوقف شد. برای پیگیری دوباره صفحه را تازه کنید.",
  notice_delivered: "تحویلی که از این کمک پرداخت شد روی زنجیره تأیید شد: {amount}.",
  notice_refunded: "بخشی از این کمک بازگردانده شد: {amount}.",
  notice_reallocated: "بخشی از این کمک به برنامهٔ دیگری منتقل شد: {amount}.",
  notice_reversed: "تسویه‌ای که از این کمک پرداخت شده بود برگشت خورد: {amount}.",
  webhookHeading: "اعلان به سرور خودتان (وب‌هوک)",
  webhookIntro:
    "درگاه هر رویداد این کمک (یا همهٔ کمک‌های شما) را با درخواست POST امضاشده به نشانی‌ای که می‌دهید می‌فرستد: سرآیند Sintech-Signature آن با رازی بررسی می‌شود که پس از ثبت یک بار نشان داده می‌شود.",
  webhookUrl: "نشانی (http یا https)",
  webhookScope: "کدام کمک‌ها",
  webhookThisGift: "فقط این کمک",
  webhookAllGifts: "همهٔ کمک‌های من",
  webhookRegister: "ثبت وب‌هوک",
  webhookRegisteredTitle: "وب‌هوک ثبت شد",
  webhookId: "شناسهٔ وب‌هوک",
  webhookSecret: "راز امضا (فقط همین بار نشان داده می‌شود)",
  webhookSecretHint:
    "همین حالا نگهش دارید: گیرنده Sintech-Signature هر درخواست را با آن بررسی می‌کند و دوباره نشان داده نمی‌شود.",
  backToGift: "بازگشت به کمک",
};
