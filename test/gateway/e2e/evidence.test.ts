import { expect } from "chai";
import { randomBytes } from "node:crypto";
import { readFileSync, rmSync } from "node:fs";
import path from "node:path";
import { AidLedger__factory } from "../../../typechain-types";
import { main as cli } from "../../../src/cli/main";
import { EVIDENCE_MAX_BYTES } from "../../../src/evidence";
import { blockCount, fakeJpeg, fakePng, filesUnder, plaintextWindowsIn } from "../evidence/evidenceFixture";
import {
  bootE2e,
  countRows,
  createProgramme,
  registerOrganisation,
  removeDataDir,
  type E2eGateway,
  type Organisation,
} from "./harness";

type Caller =
  | "charity"
  | "otherCharity"
  | "vendor"
  | "otherVendor"
  | "fieldAgent"
  | "auditor"
  | "donor"
  | "registrar"
  | "regulator";

const binary = (res: import("supertest").Response) => res.body as Buffer;

/**
 * Evidence through the whole gateway: a real HTTP server, the embedded chain (the vendor allowed by the
 * programme on chain), SQLite and Helia on disk under DATA_DIR/ipfs, restarted on the same folder.
 */
describe("e2e: evidence of deliveries, encrypted on IPFS", () => {
  let gw: E2eGateway;
  const orgs = {} as Record<Exclude<Caller, "regulator">, Organisation>;
  const keyOf = (caller: Caller) => (caller === "regulator" ? gw.regulatorKey : orgs[caller].apiKey);
  let programmeId: number;
  const photo = fakeJpeg(200_000);
  let evidence: { evidenceId: string; cid: string; evidenceHash: string; size: number; mediaType: string };

  const ipfsDir = () => path.join(gw.dataDir, "ipfs");
  const counts = () =>
    Object.fromEntries(
      ["evidence", "evidence_key_wraps", "evidence_org_keys", "access_log", "chain_jobs"].map((table) => [
        table,
        countRows(gw, table),
      ]),
    );
  const upload = (
    caller: Caller,
    bytes: Buffer,
    contentType: string,
    query = `?programmeId=${programmeId}`,
  ) =>
    gw
      .http()
      .post(`/v1/evidence${query}`)
      .set("Authorization", `Bearer ${keyOf(caller)}`)
      .set("Content-Type", contentType)
      .send(bytes)
      .then(gw.record);
  const getContent = (caller: Caller, evidenceId: string) =>
    gw
      .http()
      .get(`/v1/evidence/${evidenceId}/content`)
      .set("Authorization", `Bearer ${keyOf(caller)}`)
      .buffer(true)
      .parse((res, done) => {
        const chunks: Buffer[] = [];
        res.on("data", (chunk: Buffer) => chunks.push(chunk));
        res.on("end", () => done(null, Buffer.concat(chunks)));
      })
      .then((res) => {
        // Errors come back in the JSON error shape: give them their text and parsed body, as supertest would.
        if (/json/.test(res.headers["content-type"] ?? "")) {
          const text = (res.body as Buffer).toString("utf8");
          Object.defineProperty(res, "text", { value: text });
          res.body = JSON.parse(text);
        }
        return gw.record(res);
      });

  before(async () => {
    gw = await bootE2e();
    for (const role of [
      "charity",
      "otherCharity",
      "vendor",
      "otherVendor",
      "fieldAgent",
      "auditor",
      "donor",
      "registrar",
    ] as const) {
      const chainRole =
        role === "otherCharity"
          ? "charity"
          : role === "otherVendor"
            ? "vendor"
            : role === "fieldAgent"
              ? "field_agent"
              : role;
      orgs[role] = await registerOrganisation(gw, chainRole);
    }
    programmeId = await createProgramme(gw, orgs.charity);
    // The programme's charity allows the vendor on chain, as a charity does before its first delivery.
    gw.services.outbox.enqueue({
      idempotencyKey: `e2e:allow-vendor:${programmeId}`,
      kind: "programme.vendors",
      from: orgs.charity.address,
      to: await gw.services.system.ledger.getAddress(),
      data: AidLedger__factory.createInterface().encodeFunctionData("setVendorsAllowed", [
        programmeId,
        [orgs.vendor.address],
        true,
      ]),
    });
    await gw.services.outbox.drain();
    expect(await gw.services.system.ledger.isVendorAllowed(programmeId, orgs.vendor.address)).to.equal(true);
  });
  after(async () => {
    await gw?.stop();
    if (gw) removeDataDir(gw.dataDir);
  });

  it("takes a photo from the programme's vendor (201), encrypted before it is stored", async () => {
    const res = await upload("vendor", photo, "image/jpeg");
    expect(res.status, res.text).to.equal(201);
    evidence = res.body;
    expect(evidence).to.include({ size: photo.length, mediaType: "image/jpeg" });
    expect(res.headers.location).to.equal(`/v1/evidence/${evidence.evidenceId}`);
    expect(plaintextWindowsIn(photo, filesUnder(ipfsDir()))).to.equal(0);

    const meta = await gw.get(`/v1/evidence/${evidence.evidenceId}`, keyOf("vendor"));
    expect(meta.status, meta.text).to.equal(200);
    expect(meta.body).to.include({
      programmeId,
      uploadedBy: orgs.vendor.orgId,
      cid: evidence.cid,
      store: "helia",
    });
  });

  it("serves it decrypted to the programme's charity and auditors, with its hash, and logs each read", async () => {
    for (const caller of ["charity", "auditor"] as const) {
      const res = await getContent(caller, evidence.evidenceId);
      expect(res.status, caller).to.equal(200);
      expect(res.headers["content-type"]).to.match(/^image\/jpeg/);
      expect(res.headers["x-evidence-hash"]).to.equal(evidence.evidenceHash);
      expect(res.headers["cache-control"]).to.equal("no-store");
      expect(binary(res).equals(photo), caller).to.equal(true);
    }
    const log = await gw.get(`/v1/access-log?subject=${evidence.evidenceId}`, keyOf("auditor"));
    expect(log.status, log.text).to.equal(200);
    expect(
      (log.body.entries as { action: string; orgId: string }[]).map((e) => [e.action, e.orgId]),
    ).to.deep.equal([
      ["evidence.content", orgs.charity.orgId],
      ["evidence.content", orgs.auditor.orgId],
    ]);
  });

  it("opens offline with the key and the CID alone (sintech evidence fetch), and refuses a wrong key", async () => {
    const keyRes = await gw.get(`/v1/evidence/${evidence.evidenceId}/key`, keyOf("charity"));
    expect(keyRes.status, keyRes.text).to.equal(200);
    expect(keyRes.body).to.include({ cid: evidence.cid, evidenceHash: evidence.evidenceHash });
    const out = path.join(gw.dataDir, "fetched.jpg");
    const args = [
      "evidence",
      "fetch",
      "--cid",
      evidence.cid,
      "--hash",
      evidence.evidenceHash,
      "--ipfs-dir",
      ipfsDir(),
      "--out",
      out,
    ];
    expect(await cli([...args, "--key", keyRes.body.key])).to.equal(0);
    expect(readFileSync(out).equals(photo)).to.equal(true);
    rmSync(out);
    expect(await cli([...args, "--key", randomBytes(32).toString("hex")])).to.equal(2);
    expect(() => readFileSync(out)).to.throw(/ENOENT/);
  });

  describe("who may see what", () => {
    /** caller → [metadata, content, key]: the status each answers. */
    const MATRIX: [Caller, number, number, number][] = [
      ["charity", 200, 200, 200],
      ["auditor", 200, 200, 200],
      ["regulator", 200, 403, 403],
      ["vendor", 200, 403, 403],
      ["otherCharity", 404, 404, 404],
      ["otherVendor", 404, 403, 403],
      ["fieldAgent", 404, 403, 403],
      ["donor", 403, 403, 403],
      ["registrar", 403, 403, 403],
    ];
    for (const [caller, metadata, content, key] of MATRIX) {
      it(`${caller}: metadata ${metadata}, content ${content}, key ${key}; a refusal looks like an unknown id and logs nothing`, async () => {
        const before = countRows(gw, "access_log");
        const answers = [
          await gw.get(`/v1/evidence/${evidence.evidenceId}`, keyOf(caller)),
          await getContent(caller, evidence.evidenceId),
          await gw.get(`/v1/evidence/${evidence.evidenceId}/key`, keyOf(caller)),
        ];
        expect(answers.map((res) => res.status)).to.deep.equal([metadata, content, key]);
        for (const res of answers.filter((res) => res.status === 404)) {
          expect(res.body.error).to.include({
            name: "NotFoundError",
            field: "evidenceId",
            message: "No evidence has this id.",
          });
        }
        const reads = [content, key].filter((status) => status === 200).length;
        expect(countRows(gw, "access_log")).to.equal(before + reads);
      });
    }
  });

  describe("refused uploads write nothing and store nothing", () => {
    const cases: [
      string,
      Caller,
      () => Buffer,
      string,
      string | undefined,
      number,
      Record<string, string>,
    ][] = [
      [
        "a GIF (not an allowed type)",
        "vendor",
        () => Buffer.from("GIF89a" + "x".repeat(100)),
        "image/gif",
        undefined,
        415,
        { field: "Content-Type", code: "media_type" },
      ],
      [
        "JSON",
        "vendor",
        () => Buffer.from("{}"),
        "application/json",
        undefined,
        415,
        { field: "Content-Type", code: "media_type" },
      ],
      [
        "a PNG sent as image/jpeg",
        "vendor",
        () => fakePng(1000),
        "image/jpeg",
        undefined,
        400,
        { field: "Content-Type", code: "content_mismatch" },
      ],
      [
        "a script sent as application/pdf",
        "vendor",
        () => Buffer.from("#!/bin/sh\nrm -rf /\n"),
        "application/pdf",
        undefined,
        400,
        { field: "Content-Type", code: "content_mismatch" },
      ],
      [
        "a file over 10 MB",
        "vendor",
        () => fakeJpeg(EVIDENCE_MAX_BYTES + 1),
        "image/jpeg",
        undefined,
        413,
        { field: "body", code: "too_large" },
      ],
      ["no programme", "vendor", () => fakeJpeg(1000), "image/jpeg", "", 400, { field: "programmeId" }],
      [
        "an unknown programme",
        "vendor",
        () => fakeJpeg(1000),
        "image/jpeg",
        "?programmeId=999",
        404,
        { field: "programmeId" },
      ],
      [
        "a vendor the programme does not allow",
        "otherVendor",
        () => fakeJpeg(1000),
        "image/jpeg",
        undefined,
        403,
        { field: "programmeId", code: "not_your_programme" },
      ],
      [
        "a charity",
        "charity",
        () => fakeJpeg(1000),
        "image/jpeg",
        undefined,
        403,
        { name: "ForbiddenError" },
      ],
    ];
    for (const [label, caller, bytes, type, query, status, error] of cases) {
      it(`${label}: ${status}`, async () => {
        const before = counts();
        const blocks = blockCount(ipfsDir());
        const res = await upload(caller, bytes(), type, query);
        expect(res.status, res.text).to.equal(status);
        expect(res.body.error).to.include(error);
        expect(counts()).to.deep.equal(before);
        expect(blockCount(ipfsDir())).to.equal(blocks);
      });
    }
  });

  it("takes a field agent's PDF receipt", async () => {
    const receipt = Buffer.concat([Buffer.from("%PDF-1.4\n"), randomBytes(5000)]);
    const res = await upload("fieldAgent", receipt, "application/pdf");
    expect(res.status, res.text).to.equal(201);
    const back = await getContent("auditor", res.body.evidenceId);
    expect(back.headers["content-type"]).to.match(/^application\/pdf/);
    expect(binary(back).equals(receipt)).to.equal(true);
  });

  it("keeps the evidence across a restart of the gateway (Helia's blocks on disk)", async () => {
    const { dataDir, anvilPort, logLines, responses, regulatorKey } = gw;
    await gw.stop();
    gw = await bootE2e({ dataDir, anvilPort, logLines, responses, regulatorKey });
    const res = await getContent("charity", evidence.evidenceId);
    expect(res.status).to.equal(200);
    expect(binary(res).equals(photo)).to.equal(true);
    gw.services.store.sqlite.pragma("wal_checkpoint(TRUNCATE)");
    expect(
      plaintextWindowsIn(photo, [...filesUnder(ipfsDir()), readFileSync(path.join(dataDir, "gateway.db"))]),
    ).to.equal(0);
    expect(logLines.join("\n")).to.not.include(photo.subarray(0, 32).toString("base64"));
  });
});
