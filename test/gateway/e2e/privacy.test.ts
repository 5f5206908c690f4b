import { expect } from "chai";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { createHash } from "node:crypto";
import { join } from "node:path";
import { keccak256, toUtf8Bytes } from "ethers";
import { closeDueBatches } from "../../../src/anchoring";
import { checkpoint } from "../../../src/db";
import { sampleHouseholdsCsv } from "../../../src/households";
import { donorRef, syntheticNationalId, toAsciiDigits } from "../../../src/identity";
import {
  allBlocks,
  bearer,
  bootE2e,
  createProgramme,
  disbursementCsv,
  give,
  idsByHousehold,
  importSample,
  mintTokens,
  registerOnChain,
  registerOrganisation,
  removeDataDir,
  wrongChecksum,
  writeDigits,
  settle,
  type E2eGateway,
  type Organisation,
} from "./harness";
import { LeakScanner } from "./leakScan";

const USSD_SECRET = "privacy-e2e-ussd-secret-0123456789abcdef";

/** Three households enrolled one by one, with every personal field and digits in every script. */
const PEOPLE = [
  { id: syntheticNationalId(130_001), name: "نرگس صادقی", phone: "+۹۸ ۹۱۲ ۳۴۵ ۶۷۸۹", postal: "۱۹۳۸۷۶۵۴۳۲" },
  { id: syntheticNationalId(130_002), name: "Kaveh Tehrani", phone: "0935-111-2233", postal: "4471893522" },
  { id: syntheticNationalId(130_003), name: "مهدی نوروزی", phone: "٠٩٠١٢٣٤٥٦٧٨", postal: "٥٥٦٦٧٧٨٨٩٩" },
];

/**
 * What charities type as a cash donor's reference: national IDs and phone numbers as often as receipt
 * numbers. Before they were keyed, each reached the chain as keccak256("donor:" + reference).
 */
const DONOR_REFERENCES = [syntheticNationalId(170_001), "09127654321", syntheticNationalId(170_002)];
const NATIONAL_ID_EARMARK = syntheticNationalId(170_003);

describe("e2e: no personal data leaves the gateway except into its encrypted vault", () => {
  let gw: E2eGateway;
  let charity: Organisation;
  let programmeId: number;
  let disbursementId: string;
  let vendor: Organisation;
  /** Every SMS code texted and PIN typed in the delivery flow: 6 digits, too short for the scanner. */
  const secrets: { value: string; label: string }[] = [];
  const sample = sampleHouseholdsCsv({ households: 40, seed: 17, firstIdSeed: 140_000, digits: "mixed" });
  const households = idsByHousehold(sample);
  const scanner = new LeakScanner();
  const stranger = syntheticNationalId(150_001); // never enrolled
  const usedWrongChecksums = [wrongChecksum(households[0]![0]!), wrongChecksum(PEOPLE[0]!.id)];

  /** Every personal value this file sends the gateway, in ASCII digits or as written. */
  function addPersonalValues(target: LeakScanner): void {
    sample.nationalIds.forEach((id, index) => target.addDigits(id, `sample national ID #${index}`));
    PEOPLE.forEach((person, index) => {
      target.addDigits(person.id, `enrolled national ID #${index}`);
      target.addText(person.name, `enrolled name #${index}`);
      const phone = toAsciiDigits(person.phone)
        .replace(/[^0-9]/g, "")
        .replace(/^98/, "0");
      target.addDigits(phone, `enrolled phone #${index}`);
      target.addDigits(`98${phone.slice(1)}`, `enrolled phone #${index} (international)`);
      target.addDigits(toAsciiDigits(person.postal), `enrolled postal code #${index}`);
    });
    target.addDigits(stranger, "unenrolled national ID");
    DONOR_REFERENCES.forEach((reference, index) => target.addDigits(reference, `donor reference #${index}`));
    target.addDigits(NATIONAL_ID_EARMARK, "national ID typed as an earmark");
    usedWrongChecksums.forEach((id, index) => target.addDigits(id, `wrong-checksum ID #${index}`));
    sample.otherPersonalValues.forEach((value, index) => {
      if (/^[0-9]+$/.test(value)) target.addDigits(value, `sample value #${index}`);
      else target.addText(value, `sample name #${index}`);
    });
  }

  before(async () => {
    gw = await bootE2e({ env: { SINTECH_USSD_SECRET: USSD_SECRET } });
    addPersonalValues(scanner);
  });
  after(async () => {
    await gw?.stop().catch(() => undefined);
    if (gw) removeDataDir(gw.dataDir);
  });

  it("has a scanner that finds an ID in every form it looks for", () => {
    const id = syntheticNationalId(160_001);
    const probe = new LeakScanner();
    probe.addDigits(id, "probe");
    probe.addText("زهرا احمدی", "probe name");
    const forms: [string, (s: LeakScanner) => void][] = [
      ["ascii", (s) => s.scanText(`{"x":"${id}"}`, "ascii")],
      ["persian", (s) => s.scanText(writeDigits(id, "persian"), "persian")],
      [
        "arabic dashed",
        (s) => s.scanText(`${writeDigits(id.slice(0, 3), "arabic")}-${id.slice(3)}`, "dashed"),
      ],
      [
        "json escaped",
        (s) =>
          s.scanText(
            JSON.stringify(writeDigits(id, "persian")).replace(
              /[^\x00-\x7f]/g,
              (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`,
            ),
            "escaped",
          ),
      ],
      ["hex text", (s) => s.scanText(`0x${Buffer.from(`id=${id}`).toString("hex")}`, "hex")],
      ["number word", (s) => s.scanHex(`a9059cbb${BigInt(id).toString(16).padStart(64, "0")}`, "calldata")],
      ["keccak", (s) => s.scanHex(keccak256(toUtf8Bytes(id)).slice(2), "topic")],
      ["keccak donor:", (s) => s.scanHex(keccak256(toUtf8Bytes(`donor:${id}`)).slice(2), "event data")],
      [
        "sha256 donor: in calldata",
        (s) => s.scanHex(`deadbeef${createHash("sha256").update(`donor:${id}`).digest("hex")}`, "calldata"),
      ],
      [
        "sha256 in text",
        (s) => s.scanText(`"ref":"0x${createHash("sha256").update(id).digest("hex")}"`, "json"),
      ],
      ["keccak of a name", (s) => s.scanHex(keccak256(toUtf8Bytes("donor:زهرا احمدی")).slice(2), "topic")],
      ["name", (s) => s.scanBytes(Buffer.from(`..زهرا احمدی..`), "bytes")],
      ["name hex", (s) => s.scanText(`0x${Buffer.from("زهرا احمدی").toString("hex")}`, "name hex")],
    ];
    for (const [form, scan] of forms) {
      const before = probe.found.length;
      scan(probe);
      expect(probe.found.length, form).to.be.greaterThan(before);
    }
    // The real needles are found in the very file this test uploads: every ID, postal code, name and phone.
    const control = new LeakScanner();
    addPersonalValues(control);
    control.scanText(sample.csv, "the uploaded CSV");
    const labels = new Set(control.found.map((hit) => hit.replace(/ in .*$/, "")));
    expect(labels.size).to.equal(sample.nationalIds.length + sample.otherPersonalValues.length);

    const clean = new LeakScanner();
    clean.addDigits(id, "probe");
    clean.scanText(`{"other":"${syntheticNationalId(160_002)}","ref":"0x${"ab".repeat(32)}"}`, "clean");
    expect(clean.found).to.deep.equal([]);
  });

  it("runs a whole scenario: JSON and CSV enrolment, registration, programme, gift, CSV and eligible disbursement, and refused requests carrying IDs", async () => {
    charity = await registerOrganisation(gw, "charity");
    const donor = await registerOrganisation(gw, "donor");
    vendor = await registerOrganisation(gw, "vendor");
    for (const [index, person] of PEOPLE.entries()) {
      const digits = index === 0 ? "persian" : index === 1 ? undefined : "arabic";
      const res = await gw.post("/v1/households", charity.apiKey, {
        members: [
          {
            nationalId: digits ? writeDigits(person.id, digits) : person.id,
            name: person.name,
            phone: person.phone,
            jobCode: "employee",
            isHead: true,
          },
        ],
        postalCode: person.postal,
        attributes: { income: 12_000_000, size: 3 },
      });
      expect(res.status, res.text).to.equal(201);
    }
    const { importId } = await importSample(gw, charity.apiKey, sample);
    await registerOnChain(gw, charity.apiKey);
    await mintTokens(gw, donor.address, "100000000");
    programmeId = await createProgramme(gw, charity, {
      eligibility: { targetGroups: [{ name: "Everyone", all: [] }] },
      earmarks: ["winter-fuel", "medicine"],
      vendorOrgIds: [vendor.orgId],
    });
    await give(gw, donor, programmeId, "50000000");

    // Cash gifts recorded under donors' national IDs and phones, and gifts earmarked from the programme's
    // purposes. The references reach the chain keyed; an ID typed as an earmark is refused.
    await mintTokens(gw, charity.address, "10000000");
    for (const [index, donorReference] of DONOR_REFERENCES.entries()) {
      const res = await gw.post(`/v1/programmes/${programmeId}/gifts`, charity.apiKey, {
        amount: "200000",
        donorReference,
        earmark: index === 0 ? "winter-fuel" : "",
        idempotencyKey: `privacy-cash-gift-${index}`,
      });
      expect(res.status, res.text).to.equal(201);
    }
    const recorded = gw.services.store.sqlite
      .prepare(
        "SELECT donor_ref, donor_pepper_version FROM gifts WHERE donor_ref IS NOT NULL ORDER BY gift_id",
      )
      .all();
    expect(recorded).to.deep.equal(
      DONOR_REFERENCES.map((reference) => ({
        donor_ref: donorRef(gw.services.programmes.peppers, reference),
        donor_pepper_version: gw.services.programmes.peppers.current,
      })),
    );
    const earmarked = await gw.post(`/v1/programmes/${programmeId}/gifts`, donor.apiKey, {
      amount: "200000",
      earmark: "winter-fuel",
      idempotencyKey: "privacy-earmarked-gift",
    });
    expect(earmarked.status, earmarked.text).to.equal(201);
    for (const earmark of [
      NATIONAL_ID_EARMARK,
      `family ${NATIONAL_ID_EARMARK}`,
      writeDigits(NATIONAL_ID_EARMARK, "persian"),
    ]) {
      const refused = await gw.post(`/v1/programmes/${programmeId}/gifts`, donor.apiKey, {
        amount: "200000",
        earmark,
        idempotencyKey: "privacy-free-text-earmark",
      });
      expect(refused.status, refused.text).to.equal(400);
      expect(refused.body.error).to.include({ field: "earmark", code: "not_a_purpose" });
    }

    const dsb = await settle(
      gw,
      charity.apiKey,
      await gw.postCsv(
        `/v1/programmes/${programmeId}/disbursements`,
        charity.apiKey,
        disbursementCsv([
          [households[0]![0]!, "1000000"],
          [writeDigits(households[1]![0]!, "persian"), "1000000"],
          [
            `${writeDigits(households[2]![0]!.slice(0, 3), "arabic")}-${households[2]![0]!.slice(3)}`,
            "1000000",
          ],
          [writeDigits(PEOPLE[0]!.id, "arabic"), "1000000"],
          [usedWrongChecksums[0]!, "1000000"],
          [writeDigits(usedWrongChecksums[1]!, "persian"), "1000000"],
          [stranger, "1000000"],
          [households[0]![0]!, "1000000"],
        ]),
        "privacy-dsb-1",
      ),
    );
    expect(dsb.status, dsb.text).to.equal(202);
    expect(dsb.body.counts).to.include({ issued: 4, invalid: 2, not_enrolled: 1, duplicate_in_file: 1 });
    disbursementId = dsb.body.disbursementId;
    const eligible = await settle(
      gw,
      charity.apiKey,
      await gw.post(`/v1/programmes/${programmeId}/disbursements`, charity.apiKey, {
        selection: "eligible",
        amount: "100000",
        idempotencyKey: "privacy-eligible-1",
      }),
    );
    expect(eligible.status, eligible.text).to.equal(202);
    expect(eligible.body.counts.already_covered).to.equal(4);

    // Refused requests that carry IDs, names and phones in bodies, paths, queries and headers.
    const id = PEOPLE[1]!.id;
    const persianId = writeDigits(id, "persian");
    const key = charity.apiKey;
    const refused: [Promise<{ status: number }>, number][] = [
      [
        gw.post("/v1/households", key, {
          members: [
            {
              nationalId: usedWrongChecksums[1],
              name: PEOPLE[0]!.name,
              phone: PEOPLE[0]!.phone,
              jobCode: "employee",
              isHead: true,
            },
          ],
          postalCode: PEOPLE[0]!.postal,
        }),
        400,
      ],
      [
        gw.post("/v1/households", key, {
          members: [{ nationalId: persianId, name: PEOPLE[1]!.name, jobCode: "employee", isHead: true }],
          postalCode: PEOPLE[1]!.postal,
        }),
        409,
      ],
      [gw.post("/v1/households", key, { [id]: PEOPLE[1]!.name, members: [], postalCode: "1" }), 400],
      [
        gw.post("/v1/households", key, {
          members: [{ nationalId: id, nickname: PEOPLE[2]!.name, jobCode: "employee", isHead: true }],
          postalCode: PEOPLE[2]!.postal,
        }),
        400,
      ],
      [
        gw.post("/v1/households", key, {
          members: [{ nationalId: stranger, phone: id, jobCode: "employee", isHead: true }],
          postalCode: `${id}1`,
        }),
        400,
      ],
      [
        gw.post("/v1/households", key, {
          members: [{ nationalId: stranger, jobCode: id, isHead: true }],
          postalCode: PEOPLE[0]!.postal,
        }),
        400,
      ],
      [gw.get(`/v1/households/${id}`, key), 400],
      [gw.get(`/v1/households/${encodeURIComponent(persianId)}`, key), 400],
      [gw.get(`/v1/programmes?nationalId=${encodeURIComponent(persianId)}`, key), 400],
      [gw.get(`/v1/programmes?orgId=${id}`, key), 200],
      [gw.get(`/v1/programmes/${id}/eligibility/${dsb.body.rows[0].householdRef}`, key), 404],
      [gw.get(`/v1/disbursements/${disbursementId}?offset=${id}&limit=${id}`, key), 400],
      [gw.get(`/v1/disbursements/dsb_${id}`, key), 400],
      [gw.get(`/no/such/${encodeURIComponent(persianId)}?nationalId=${id}`, key), 404],
      [
        gw
          .http()
          .post("/v1/households")
          .set(bearer(key))
          .set("Content-Type", "application/json")
          .send(`{"nationalId":"${persianId}","name":"${PEOPLE[2]!.name}",`)
          .then(gw.record),
        400,
      ],
      [gw.http().get("/v1/programmes").set("Authorization", `Bearer ${id}`).then(gw.record), 401],
      [gw.http().get("/v1/programmes").set("X-API-Key", id).then(gw.record), 401],
      [
        gw.postCsv(
          "/v1/households/imports",
          key,
          `household_key,${id},is_head\nH,1,1\n`,
          "privacy-bad-header",
        ),
        400,
      ],
      [
        gw.postCsv(
          "/v1/households/imports",
          key,
          `household_key,national_id,is_head,job_code,postal_code\nH,"${persianId},1,employee,1234567891\n`,
          "privacy-bad-quote",
        ),
        400,
      ],
      [
        gw.postCsv(
          `/v1/programmes/${programmeId}/disbursements`,
          key,
          `national_id,amount,${id}\n${id},1,${id}\n`,
          "privacy-bad-column",
        ),
        400,
      ],
      [
        gw.postCsv(
          `/v1/programmes/${programmeId}/disbursements`,
          key,
          `national_id,amount\n"${id},1\n`,
          "privacy-bad-quote-2",
        ),
        400,
      ],
    ];
    for (const [index, [pending, status]] of refused.entries())
      expect((await pending).status, `request ${index}`).to.equal(status);
    // A CSV whose rows are refused one by one, with names and phones beside bad IDs.
    const rowsRefused = await gw.postCsv(
      "/v1/households/imports",
      key,
      [
        "household_key,national_id,is_head,job_code,name,phone,postal_code",
        `R1,${usedWrongChecksums[0]},1,employee,${PEOPLE[2]!.name},${PEOPLE[2]!.phone},${PEOPLE[2]!.postal}`,
        `R2,${PEOPLE[1]!.id},1,employee,${PEOPLE[1]!.name},${id},${PEOPLE[1]!.postal}`,
      ].join("\n"),
      "privacy-rows-refused",
    );
    expect(rowsRefused.status, rowsRefused.text).to.equal(201);
    expect(rowsRefused.body.counts.enrolled).to.equal(0);

    // Off-chain confirmations of the disbursed households, anchored on chain; refused ones carry an ID.
    const confirmed = dsb.body.rows.find((r: { householdRef: string | null }) => r.householdRef).householdRef;
    const confirmation = await gw.post("/v1/confirmations", key, {
      programmeId,
      householdRef: confirmed,
      kind: "in_kind_distribution",
      deliveredAt: new Date(Date.now() - 60_000).toISOString(),
    });
    expect(confirmation.status, confirmation.text).to.equal(201);
    for (const stray of [{ householdRef: id }, { nationalId: id }, { kind: id }]) {
      const res = await gw.post("/v1/confirmations", key, {
        programmeId,
        householdRef: confirmed,
        kind: "service_visit",
        deliveredAt: new Date().toISOString(),
        ...stray,
      });
      expect(res.status, res.text).to.equal(400);
    }
    closeDueBatches({ ...gw.services.anchoring, now: () => new Date(Date.now() + 86_400_000) });
    await gw.services.outbox.drain();
    const anchored = await gw.get(`/v1/confirmations/${confirmation.body.confirmationId}?verify=true`, key);
    expect(anchored.body.verifiedOnChain, anchored.text).to.equal(true);

    // Every read the API offers on what was written.
    for (const row of dsb.body.rows.filter((r: { householdRef: string | null }) => r.householdRef)) {
      expect((await gw.get(`/v1/households/${row.householdRef}`, key)).status).to.equal(200);
      expect(
        (await gw.get(`/v1/programmes/${programmeId}/eligibility/${row.householdRef}`, key)).status,
      ).to.equal(200);
    }
    expect((await gw.get(`/v1/households/imports/${importId}`, key)).status).to.equal(200);
    expect((await gw.get(`/v1/households/imports/${rowsRefused.body.importId}`, key)).status).to.equal(200);
    expect((await gw.get(`/v1/disbursements/${disbursementId}`, key)).status).to.equal(200);
    expect((await gw.get(`/v1/programmes/${programmeId}`, key)).status).to.equal(200);
    expect((await gw.get("/v1/status", key)).status).to.equal(200);
    expect((await gw.get("/v1/organisations", gw.regulatorKey)).status).to.equal(200);
    expect((await gw.get("/metrics")).status).to.equal(200);
    expect((await gw.get("/openapi.json")).status).to.equal(200);
    expect(scanner.size).to.be.greaterThan(300);
  });

  it("runs the delivery flow: a national ID typed at the counter, a lookup, PIN and SMS-code acceptances with wrong tries, a dispute", async () => {
    const person = PEOPLE[0]!; // covered by the CSV disbursement, with a phone in the vault
    const registrar = await registerOrganisation(gw, "registrar");
    const lookup = await gw.post("/v1/deliveries/lookup", vendor.apiKey, {
      programmeId,
      nationalId: writeDigits(person.id, "arabic"),
    });
    expect(lookup.status, lookup.text).to.equal(200);
    expect(lookup.body.hasEntitlement).to.equal(true);
    const open = async (index: number) => {
      const res = await gw.post("/v1/deliveries", vendor.apiKey, {
        programmeId,
        nationalId: index % 2 === 0 ? writeDigits(person.id, "persian") : person.id,
        amount: "1000",
        item: "medicine",
        idempotencyKey: `privacy-delivery-${index}`,
      });
      expect(res.status, res.text).to.equal(201);
      return res.body.delivery as { deliveryId: string; beneficiaryRef: string };
    };
    const first = await open(0);
    const pin = "583920";
    secrets.push({ value: pin, label: "PIN" }, { value: "583921", label: "wrong PIN" });
    const set = await gw.post("/v1/wallets/pins", registrar.apiKey, {
      beneficiaryRef: first.beneficiaryRef,
      pin,
    });
    expect(set.status, set.text).to.equal(204);
    const accept = (deliveryId: string, body: Record<string, string>) =>
      gw.post(`/v1/deliveries/${deliveryId}/acceptance`, vendor.apiKey, body);
    expect((await accept(first.deliveryId, { pin: "583921" })).status).to.equal(401);
    expect((await accept(first.deliveryId, { pin: writeDigits(pin, "persian") })).status).to.equal(200);

    const outbox = join(gw.dataDir, "sms-outbox.jsonl");
    const lastCode = () =>
      /\b([0-9]{6})\b/.exec(readFileSync(outbox, "utf8").trim().split("\n").at(-1)!)![1]!;
    for (const index of [1, 2]) {
      const delivery = await open(index);
      const sent = await gw.post(`/v1/deliveries/${delivery.deliveryId}/sms-code`, vendor.apiKey, {});
      expect(sent.status, sent.text).to.equal(201);
      const code = lastCode();
      const wrong = String((Number(code) + 7) % 1_000_000).padStart(6, "0");
      secrets.push(
        { value: code, label: `SMS code ${index}` },
        { value: wrong, label: `wrong SMS code ${index}` },
      );
      expect((await accept(delivery.deliveryId, { smsCode: wrong })).status).to.equal(401);
      const path = `/v1/deliveries/${delivery.deliveryId}/${index === 1 ? "acceptance" : "dispute"}`;
      const res = await gw.post(path, vendor.apiKey, { smsCode: code });
      expect(res.status, res.text).to.equal(200);
    }
    await gw.services.outbox.drain();
    const states = gw.services.store.sqlite
      .prepare("SELECT state FROM deliveries ORDER BY created_at")
      .pluck()
      .all();
    expect(states).to.deep.equal(["redeemed", "redeemed", "disputed"]);
    // The development SMS outbox did text the household's phone: it is the phone network, not the gateway.
    expect(readFileSync(outbox, "utf8")).to.include("0912345678");
  });

  it("runs a USSD session from the household's phone: its pending delivery, a wrong PIN, then the right one", async () => {
    const person = PEOPLE[0]!;
    const opened = await gw.post("/v1/deliveries", vendor.apiKey, {
      programmeId,
      nationalId: person.id,
      amount: "1000",
      item: "bread",
      idempotencyKey: "privacy-delivery-ussd",
    });
    expect(opened.status, opened.text).to.equal(201);
    // The aggregator writes the caller as E.164; the phone was enrolled in Persian digits with spaces.
    const phoneNumber = `+98${toAsciiDigits(person.phone).replace(/\D/g, "").slice(2)}`;
    const typed: string[] = [];
    const say = async (input?: string) => {
      if (input !== undefined) typed.push(input);
      const res = gw.record(
        await gw
          .http()
          .post("/v1/ussd")
          .set("X-USSD-Secret", USSD_SECRET)
          .type("form")
          .send({ sessionId: "ATUid_privacy", serviceCode: "*384*7#", phoneNumber, text: typed.join("*") }),
      );
      expect(res.status, res.text).to.equal(200);
      return res.text;
    };
    expect(await say()).to.match(/^CON /);
    await say("2");
    expect(await say("1")).to.include("1,000");
    await say("1");
    await say("1");
    expect(await say("583921")).to.match(/^CON Wrong PIN/);
    expect(await say(writeDigits("583920", "persian"))).to.match(/^END Thank you/);
    await gw.services.outbox.drain();
    const state = gw.services.store.sqlite
      .prepare("SELECT state FROM deliveries WHERE idempotency_key = ?")
      .pluck()
      .get("privacy-delivery-ussd");
    expect(state).to.equal("redeemed");
  });

  it("wrote no SMS code or PIN, in clear or as an unkeyed hash, into logs, responses or any database row", () => {
    expect(secrets).to.have.length(6);
    const db = gw.services.store.sqlite;
    const tables = db
      .prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")
      .pluck()
      .all() as string[];
    const rows = tables.map((table) => ({
      where: `table ${table}`,
      text: JSON.stringify(db.prepare(`SELECT * FROM ${table}`).all()),
    }));
    const places = [
      ...gw.logLines.map((text, index) => ({ where: `log line ${index}`, text })),
      ...gw.responses.map((text, index) => ({ where: `response ${index}`, text })),
      ...rows,
    ];
    const found: string[] = [];
    for (const { value, label } of secrets) {
      const standalone = new RegExp(`(?<![0-9])${value}(?![0-9])`);
      const hashes = [
        createHash("sha256").update(value).digest("hex"),
        keccak256(toUtf8Bytes(value)).slice(2),
      ];
      for (const { where, text } of places) {
        const ascii = toAsciiDigits(text);
        if (standalone.test(ascii)) found.push(`${label} in ${where}`);
        if (hashes.some((hash) => ascii.toLowerCase().includes(hash)))
          found.push(`${label} hashed in ${where}`);
      }
    }
    expect(found).to.deep.equal([]);
  });

  it("wrote no personal value into any log line", () => {
    expect(gw.logLines.length).to.be.greaterThan(40);
    gw.logLines.forEach((line, index) => scanner.scanText(line, `log line ${index}`));
    expect(scanner.found).to.deep.equal([]);
  });

  it("sent no personal value in any response body", () => {
    expect(gw.responses.length).to.be.greaterThan(40);
    gw.responses.forEach((body, index) => scanner.scanText(body, `response ${index}`));
    expect(scanner.found).to.deep.equal([]);
  });

  it("stored no personal value in clear in the SQLite file or its WAL", () => {
    const db = join(gw.dataDir, "gateway.db");
    // The data is there: one encrypted vault record per enrolled household.
    const vault = gw.services.store.sqlite.prepare("SELECT count(*) FROM vault").pluck().get() as number;
    expect(vault).to.equal(PEOPLE.length + sample.householdCount);
    if (existsSync(db + "-wal")) scanFile(db + "-wal"); // what is still only in the log, before the checkpoint
    checkpoint(gw.services.store);
    scanFile(db);
    if (existsSync(db + "-wal")) scanFile(db + "-wal");
    expect(statSync(db).size).to.be.greaterThan(100_000);
    expect(scanner.found).to.deep.equal([]);
  });

  it("wrote no personal value to the chain: calldata, event data or topics of every block", async () => {
    const blocks = await allBlocks(gw);
    const transactions = blocks.flatMap((block) => block.transactions);
    expect(transactions.length).to.be.greaterThan(10);
    for (const tx of transactions) scanner.scanHex(tx.input.slice(2), `calldata of ${tx.hash}`);
    const logs = (await gw.services.provider.send("eth_getLogs", [
      { fromBlock: "0x0", toBlock: "latest" },
    ])) as {
      topics: string[];
      data: string;
      transactionHash: string;
    }[];
    // Registrations, issuances (a TransferSingle per household), gifts, licences, programmes.
    expect(logs.length).to.be.greaterThan(sample.householdCount + 20);
    for (const log of logs) {
      for (const topic of log.topics) scanner.scanHex(topic.slice(2), `topic in ${log.transactionHash}`);
      scanner.scanHex(log.data.slice(2), `event data in ${log.transactionHash}`);
    }
    for (const block of blocks) scanner.scanText(JSON.stringify(block), `block ${block.number}`);
    expect(scanner.found).to.deep.equal([]);
  });

  it("left no personal value in any file of the data folder after a stop, the anvil state included", async () => {
    await gw.stop();
    const state = join(gw.dataDir, "chain", "state.json");
    expect(statSync(state).size).to.be.greaterThan(10_000);
    const files = walk(gw.dataDir);
    expect(files).to.include.members([state, join(gw.dataDir, "gateway.db")]);
    // The development SMS adapter's outbox stands in for the phone network: it holds the household's
    // number and its codes by design, and is never used where real people's numbers are enrolled.
    for (const file of files.filter((path) => !path.endsWith("sms-outbox.jsonl"))) scanFile(file);
    expect(scanner.found).to.deep.equal([]);
  });

  function scanFile(path: string): void {
    scanner.scanBytes(readFileSync(path), path.slice(gw.dataDir.length));
  }
});

function walk(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? walk(join(dir, entry.name)) : [join(dir, entry.name)],
  );
}
