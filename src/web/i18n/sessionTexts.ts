/** The words of the one-time link's page: kept beside texts.ts, which spreads them in. */
export const sessionEn = {
  linkTitle: "Sign in with a one-time link",
  linkIntro:
    "This link signs this browser in once, for a session of eight hours, as the organisation and role that made it. Opening the link spends nothing: press the button to use it.",
  linkToken: "One-time code (the part of the link after #)",
  linkSubmit: "Sign in with this link",
  linkRefused_unknown: "This link is not valid: it was altered, or never made by this gateway.",
  linkRefused_used: "This link was already used: each link signs in once. Ask for a new one.",
  linkRefused_expired: "This link has expired. Ask for a new one.",
  linkRefused_revoked: "The API key this link was made with has been revoked.",
  loginLinkHint: "Given a one-time link instead of a key? Open it: it has its own page.",
} as const;

export const sessionFa: Record<keyof typeof sessionEn, string> = {
  linkTitle: "ورود با پیوند یک‌بارمصرف",
  linkIntro:
    "این پیوند این مرورگر را یک بار، برای نشستی هشت‌ساعته، با سازمان و نقشی که آن را ساخته وارد می‌کند. باز کردن پیوند چیزی را مصرف نمی‌کند: برای به‌کار بردنش دکمه را بزنید.",
  linkToken: "کد یک‌بارمصرف (بخش پس از # در پیوند)",
  linkSubmit: "ورود با این پیوند",
  linkRefused_unknown: "این پیوند معتبر نیست: دست‌کاری شده یا این درگاه آن را نساخته است.",
  linkRefused_used:
    "این پیوند پیش‌تر به کار رفته است: هر پیوند تنها یک بار وارد می‌کند. پیوند تازه‌ای بخواهید.",
  linkRefused_expired: "زمان این پیوند گذشته است. پیوند تازه‌ای بخواهید.",
  linkRefused_revoked: "کلید APIای که این پیوند با آن ساخته شده باطل شده است.",
  loginLinkHint: "به‌جای کلید، پیوند یک‌بارمصرف گرفته‌اید؟ آن را باز کنید: صفحهٔ خودش را دارد.",
};
