/** The words of the charity's review decisions: kept beside texts.ts, which spreads them in. */
export const reviewEn = {
  reviewDecision: "Decision",
  reviewMerge: "Merge into the existing household",
  reviewReject: "Reject the row",
  reviewResolved: "The review was resolved.",
  reviewHow:
    "Merge: the person is the one already enrolled and stays in that household; the imported household is not enrolled with them. Reject: the row was a mistake in the file; the household stays held until a corrected file is imported. A person is in one household only, so both cannot be kept.",
} as const;

export const reviewFa: Record<keyof typeof reviewEn, string> = {
  reviewDecision: "تصمیم",
  reviewMerge: "ادغام در خانوار موجود",
  reviewReject: "رد این ردیف",
  reviewResolved: "بررسی انجام شد.",
  reviewHow:
    "ادغام: این فرد همان کسی است که پیش‌تر ثبت‌نام شده و در همان خانوار می‌ماند؛ خانوار واردشده با او ثبت‌نام نمی‌شود. رد: این ردیف در پرونده اشتباه بوده؛ خانوار تا ورود پروندهٔ اصلاح‌شده نگه داشته می‌شود. هر فرد فقط در یک خانوار است، پس نگه داشتن هر دو ممکن نیست.",
};
