/** The words of the regulator's group-admission and pause forms: kept beside texts.ts, which spreads them in. */
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
};
