/** The words of the regulator's grant, group-admission and pause forms: kept beside texts.ts, which spreads them in. */
export const regulatorEn = {
  groupAdmissionChange: "Change who may join",
  groupAdmissionHint:
    "Admitted charities' programmes may join the group. A withdrawn charity's programmes in it issue nothing more; what they issued stays redeemable.",
  groupAdmissionCharity: "Charity for group",
  groupAdmissionAction: "Admit or withdraw",
  action_admit: "Admit",
  action_withdraw: "Withdraw the admission",
  groupAdmissionChanged: "The group's admissions were changed on chain.",
  noCharities: "No charity is registered.",
  pauseHeading: "Pause or resume a programme",
  pauseHint:
    "A paused programme issues, claims and redeems nothing. A regulator's pause is lifted only by a regulator; the programme's charity may pause it too.",
  pauseProgramme: "Programme",
  pauseAction: "Pause or resume",
  action_pause: "Pause",
  action_resume: "Resume",
  programmeRunning: "running",
  programmePauseChanged: "The programme's pause was changed on chain.",
  charityPauseHint:
    "A paused programme issues, claims and redeems nothing until it is resumed. A pause the regulator set is lifted only by the regulator.",
  grantHeading: "Grant a licence",
  grantHint:
    "Registers the organisation: its signing key, its licence on chain (every role but donors) and a first API key, shown once on the next page. Sending the form twice registers one organisation.",
  grantName: "Organisation's name",
  grantRole: "Role (licence kind)",
  grantLayers: "Layers",
  grantCategories: "Categories (numbers 0–255, separated by commas)",
  grantValidDays: "Valid for (days)",
  grantSubmit: "Grant the licence",
  grantedTitle: "Licence granted",
  grantedKey:
    "The organisation's first API key. It is shown only now: copy it and hand it over by a safe channel. The gateway keeps only its hash.",
  grantedAgainTitle: "Already granted",
  grantedAgain:
    "This form was already sent and registered the organisation below; nothing new was made. Its first API key was shown once, to the first answer: if it was lost, issue another with `sintech keys create`.",
  grantedStatus: "The licence's grant on chain",
  grant_none: "no licence (donors hold none)",
  grant_pending: "queued, not yet confirmed",
  grant_active: "confirmed",
  grant_failed: "refused by the chain",
  backToRegulator: "Back to the regulator's page",
} as const;

export const regulatorFa: Record<keyof typeof regulatorEn, string> = {
  groupAdmissionChange: "تغییر اینکه چه کسی می‌تواند بپیوندد",
  groupAdmissionHint:
    "برنامه‌های خیریه‌های پذیرفته‌شده می‌توانند به گروه بپیوندند. برنامه‌های خیریه‌ای که پذیرشش پس گرفته شود دیگر چیزی صادر نمی‌کنند؛ آنچه صادر کرده‌اند قابل بازخرید می‌ماند.",
  groupAdmissionCharity: "خیریه برای گروه",
  groupAdmissionAction: "پذیرش یا پس گرفتن",
  action_admit: "پذیرش",
  action_withdraw: "پس گرفتن پذیرش",
  groupAdmissionChanged: "پذیرش‌های گروه روی زنجیره تغییر کرد.",
  noCharities: "هیچ خیریه‌ای ثبت نشده است.",
  pauseHeading: "توقف یا ادامهٔ یک برنامه",
  pauseHint:
    "برنامهٔ متوقف هیچ صدور، دریافت یا بازخریدی ندارد. توقفی را که ناظر گذاشته فقط ناظر برمی‌دارد؛ خیریهٔ برنامه هم می‌تواند آن را متوقف کند.",
  pauseProgramme: "برنامه",
  pauseAction: "توقف یا ادامه",
  action_pause: "توقف",
  action_resume: "ادامه",
  programmeRunning: "در جریان",
  programmePauseChanged: "توقف برنامه روی زنجیره تغییر کرد.",
  charityPauseHint:
    "برنامهٔ متوقف تا وقتی ادامه نیابد هیچ صدور، دریافت یا بازخریدی ندارد. توقفی را که ناظر گذاشته فقط ناظر برمی‌دارد.",
  grantHeading: "صدور مجوز",
  grantHint:
    "سازمان را ثبت می‌کند: کلید امضای آن، مجوزش روی زنجیره (برای همهٔ نقش‌ها جز نیکوکار) و نخستین کلید API که فقط یک بار در صفحهٔ بعد نشان داده می‌شود. دو بار فرستادن فرم تنها یک سازمان ثبت می‌کند.",
  grantName: "نام سازمان",
  grantRole: "نقش (نوع مجوز)",
  grantLayers: "لایه‌ها",
  grantCategories: "دسته‌ها (عددهای ۰ تا ۲۵۵، جداشده با ویرگول)",
  grantValidDays: "مدت اعتبار (روز)",
  grantSubmit: "صدور مجوز",
  grantedTitle: "مجوز صادر شد",
  grantedKey:
    "نخستین کلید API سازمان. فقط همین حالا نشان داده می‌شود: آن را رونوشت کنید و از راهی امن به سازمان بدهید. درگاه تنها درهم‌نگاشت آن را نگه می‌دارد.",
  grantedAgainTitle: "پیش‌تر صادر شده",
  grantedAgain:
    "این فرم پیش‌تر فرستاده شده و سازمان زیر را ثبت کرده است؛ چیز تازه‌ای ساخته نشد. نخستین کلید API آن یک بار، در پاسخ نخست، نشان داده شد: اگر گم شده، با `sintech keys create` کلید دیگری صادر کنید.",
  grantedStatus: "صدور مجوز روی زنجیره",
  grant_none: "بدون مجوز (نیکوکار مجوز ندارد)",
  grant_pending: "در صف، هنوز تأییدنشده",
  grant_active: "تأییدشده",
  grant_failed: "ردشده از سوی زنجیره",
  backToRegulator: "بازگشت به صفحهٔ ناظر",
};
