/** The words of a time-bank member's own page and of its sign-in link: kept beside texts.ts, which spreads them in. */
export const memberEn = {
  memberLoginTitle: "Time bank: sign in with your link",
  memberLoginIntro:
    "Your coordinator gave you this link after checking who you are. It works once, for a few minutes, and signs this browser in to your own time-bank page for two hours.",
  memberLoginToken: "Sign-in code (the part of the link after #)",
  memberLoginSubmit: "Open my time-bank page",
  memberLinkRefused_link_unknown: "This link is not valid: it was altered, or never made by this gateway.",
  memberLinkRefused_link_used:
    "This link was already used: each link works once. Ask your coordinator for a new one.",
  memberLinkRefused_link_expired: "This link has expired. Ask your coordinator for a new one.",
  memberLinkRefused_member_removed: "You are no longer a member of the time bank.",
  memberLinkRefused_member_not_active: "Your membership is suspended: ask your coordinator.",
  memberPageTitle: "My time bank",
  memberPageIntro:
    "Your minutes as the time bank's contract holds them: what you earned by serving, what you received and gave, and the services waiting for your word.",
  memberCoordinator: "Coordinator",
  memberAsOf: "History read up to block {block}; what happened since appears within seconds.",
  memberSignOut: "Sign out",
  memberCode: "My member code",
  memberCodeHint: "Show it to the volunteer who serves you, to log the service for you to confirm.",
  memberGave: "I gave a service",
  memberGaveHint:
    "Type or scan the code of the member you served. Nothing moves until that member confirms it, with its own word.",
  memberRecipientCode: "The member's code (0x…)",
  memberGaveSubmit: "Log the service",
  memberLogged: "Logged: it counts once the member you served confirms it.",
  memberSignedOut: "You are signed out. To come back, ask your coordinator for a new link.",
  memberDonateHint:
    "Give minutes you earned to the community pool, which pays for services to people who cannot.",
  tbWalletSignature: "The wallet's signature (0x…)",
  tbWalletConfirm: "Confirm with the signature",
  tbWalletQr: "The service to sign, as a QR code for a wallet app",
  tbTypedData: "Typed data to sign (eth_signTypedData_v4)",
  tbRefusal_not_signer:
    "This signature is not the member's wallet's over this service (or its nonce has moved on): sign it again.",
  tbRefusal_bad_signature: "This is not a valid signature: copy it again from the wallet app.",
  tbLoginLink: "Sign-in link for the member",
  tbLoginLinkIntro:
    "Check who the member is, then make a link that opens the member's own page once, within 15 minutes. Hand it over in person: the member scans the code or types the link.",
  tbLoginLinkMake: "Make a sign-in link",
  tbLoginLinkMade:
    "Give this link to the member only. It works once, until {time}; only its keyed hash is kept.",
  tbLoginLinkQr: "The member's sign-in link as a QR code",
  tbLoginLinkText: "Text it to the member's phone",
  tbLoginLinkTexted: "Texted to the member's phone on file. It works once, until {time}.",
} as const;

export const memberFa: Record<keyof typeof memberEn, string> = {
  memberLoginTitle: "بانک زمان: ورود با پیوند شما",
  memberLoginIntro:
    "هماهنگ‌کنندهٔ شما پس از شناسایی‌تان این پیوند را داده است. یک بار و برای چند دقیقه کار می‌کند و این مرورگر را برای دو ساعت به صفحهٔ بانک زمان خودتان وارد می‌کند.",
  memberLoginToken: "کد ورود (بخش پس از # در پیوند)",
  memberLoginSubmit: "باز کردن صفحهٔ بانک زمان من",
  memberLinkRefused_link_unknown: "این پیوند معتبر نیست: تغییر کرده یا این درگاه آن را نساخته است.",
  memberLinkRefused_link_used:
    "این پیوند پیش‌تر به کار رفته است: هر پیوند یک بار کار می‌کند. از هماهنگ‌کننده پیوند تازه بخواهید.",
  memberLinkRefused_link_expired: "زمان این پیوند گذشته است. از هماهنگ‌کننده پیوند تازه بخواهید.",
  memberLinkRefused_member_removed: "شما دیگر عضو بانک زمان نیستید.",
  memberLinkRefused_member_not_active: "عضویت شما معلق است: از هماهنگ‌کننده بپرسید.",
  memberPageTitle: "بانک زمان من",
  memberPageIntro:
    "دقیقه‌های شما آن‌گونه که قرارداد بانک زمان نگه می‌دارد: آنچه با خدمت کردن به دست آوردید، آنچه گرفتید و بخشیدید، و خدمت‌هایی که منتظر تأیید شمایند.",
  memberCoordinator: "هماهنگ‌کننده",
  memberAsOf: "تاریخچه تا بلوک {block} خوانده شده است؛ آنچه پس از آن رخ داده در چند ثانیه پیدا می‌شود.",
  memberSignOut: "خروج",
  memberCode: "کد عضویت من",
  memberCodeHint: "آن را به داوطلبی که به شما خدمت می‌کند نشان دهید تا خدمت را برای تأیید شما ثبت کند.",
  memberGave: "خدمتی دادم",
  memberGaveHint:
    "کد عضوی را که به او خدمت کردید بنویسید یا اسکن کنید. تا آن عضو با سخن خودش تأیید نکند، چیزی جابه‌جا نمی‌شود.",
  memberRecipientCode: "کد عضو (0x…)",
  memberGaveSubmit: "ثبت خدمت",
  memberLogged: "ثبت شد: وقتی عضوی که به او خدمت کردید تأییدش کند، به حساب می‌آید.",
  memberSignedOut: "از صفحه خارج شدید. برای بازگشت، از هماهنگ‌کننده پیوند تازه بخواهید.",
  memberDonateHint:
    "دقیقه‌هایی را که به دست آورده‌اید به صندوق مشترک ببخشید، که خدمت به کسانی را که توان پرداخت ندارند می‌پردازد.",
  tbWalletSignature: "امضای کیف پول (0x…)",
  tbWalletConfirm: "تأیید با امضا",
  tbWalletQr: "خدمت برای امضا، به صورت کد QR برای برنامهٔ کیف پول",
  tbTypedData: "دادهٔ امضاشدنی (eth_signTypedData_v4)",
  tbRefusal_not_signer:
    "این امضا از کیف پول عضو بر همین خدمت نیست (یا شمارهٔ ترتیب آن جلو رفته است): دوباره امضا کنید.",
  tbRefusal_bad_signature: "این امضای معتبری نیست: آن را دوباره از برنامهٔ کیف پول رونوشت کنید.",
  tbLoginLink: "پیوند ورود برای عضو",
  tbLoginLinkIntro:
    "هویت عضو را بسنجید، سپس پیوندی بسازید که صفحهٔ خود عضو را یک بار و تا ۱۵ دقیقه باز می‌کند. آن را حضوری بدهید: عضو کد را اسکن می‌کند یا پیوند را می‌نویسد.",
  tbLoginLinkMake: "ساختن پیوند ورود",
  tbLoginLinkMade:
    "این پیوند را فقط به خود عضو بدهید. یک بار و تا {time} کار می‌کند؛ تنها چکیدهٔ کلیددار آن نگه داشته می‌شود.",
  tbLoginLinkQr: "پیوند ورود عضو به صورت کد QR",
  tbLoginLinkText: "پیامک به تلفن عضو",
  tbLoginLinkTexted: "به تلفن ثبت‌شدهٔ عضو پیامک شد. یک بار و تا {time} کار می‌کند.",
};
