import { expect } from "chai";
import { z } from "zod";
import { assertStrictObjects, validate } from "../../../src/api";
import { parseInput } from "../../../src/validation";
import { ValidationError } from "../../../src/errors";
import { bearer, ID_ARABIC_INDIC, ID_ASCII, ID_PERSIAN, startGateway, type Gateway } from "./helpers/gateway";

const validHousehold = { postalCode: "1234567890", members: [{ nationalId: "0012345678", role: "head" }] };

describe("validate(): strict request validation", () => {
  let gateway: Gateway;
  before(async () => {
    gateway = await startGateway();
  });
  after(async () => {
    await gateway.stop();
  });

  const post = (body: unknown) =>
    gateway
      .http()
      .post("/v1/test/households")
      .set(bearer(gateway.keys.charity))
      .send(body as object);

  it("passes a valid body to the handler, parsed", async () => {
    const res = await post(validHousehold);
    expect(res.status).to.equal(201);
    expect(res.body).to.deep.equal({ members: 1, orgId: "org-charity" });
  });

  it("rejects an unknown top-level field, naming it", async () => {
    const res = await post({ ...validHousehold, nickname: ID_ASCII });
    expect(res.status).to.equal(400);
    expect(res.body.error).to.include({
      name: "ValidationError",
      field: "nickname",
      code: "unrecognized_keys",
      message: "Field nickname is not an allowed field",
    });
    expect(res.text).not.to.include(ID_ASCII);
  });

  it("rejects an unknown nested field, naming its full path", async () => {
    const res = await post({ ...validHousehold, members: [{ nationalId: "0012345678", phone: ID_ASCII }] });
    expect(res.status).to.equal(400);
    expect(res.body.error.field).to.equal("members[0].phone");
    expect(res.text).not.to.include(ID_ASCII);
  });

  for (const [script, id] of [
    ["Persian", ID_PERSIAN],
    ["Arabic-Indic", ID_ARABIC_INDIC],
  ]) {
    it(`rejects a nationalId in ${script} digits (the schema wants ASCII) without echoing it`, async () => {
      const res = await post({
        postalCode: "1234567890",
        members: [{ nationalId: "0012345678" }, { nationalId: id }],
      });
      expect(res.status).to.equal(400);
      expect(res.body.error).to.include({
        field: "members[1].nationalId",
        code: "invalid_format",
        message: "Field members[1].nationalId has an invalid format",
      });
      expect(res.text).not.to.include(id);
    });
  }

  it("names the first failing path for a number sent where a string is expected", async () => {
    // The ID also sits, valid, in postalCode: neither occurrence may come back.
    const res = await post({ postalCode: ID_ASCII, members: [{ nationalId: Number(ID_ASCII) }] });
    expect(res.status).to.equal(400);
    expect(res.body.error).to.include({
      field: "members[0].nationalId",
      code: "invalid_type",
      message: "Field members[0].nationalId must be a string",
    });
    expect(res.text).not.to.include(ID_ASCII);
  });

  it("says a missing field is required", async () => {
    const res = await post({ members: [{ nationalId: "0012345678" }] });
    expect(res.body.error).to.include({ field: "postalCode", message: "Field postalCode is required" });
  });

  it("describes bounds and allowed values from the schema, not the input", async () => {
    const empty = await post({ postalCode: "1234567890", members: [] });
    expect(empty.body.error).to.include({
      field: "members",
      message: "Field members must have at least 1 item",
    });
    const badRole = await post({
      postalCode: "1234567890",
      members: [{ nationalId: "0012345678", role: ID_ASCII }],
    });
    expect(badRole.body.error).to.include({
      field: "members[0].role",
      message: 'Field members[0].role must be one of "head", "member"',
    });
    expect(badRole.text).not.to.include(ID_ASCII);
  });

  it("does not repeat an unknown key that is itself data", async () => {
    const res = await post({ ...validHousehold, [ID_ASCII]: "x" });
    expect(res.status).to.equal(400);
    expect(res.body.error.field).to.equal("[?]");
    expect(res.text).not.to.include(ID_ASCII);
  });

  it("rejects a body that is an array, naming the body", async () => {
    const res = await post([validHousehold]);
    expect(res.body.error).to.include({ field: "body", message: "The request body must be an object" });
  });

  it("validates the query string too", async () => {
    const ok = await gateway.http().get("/v1/test/households?limit=5").set(bearer(gateway.keys.donor));
    expect(ok.status).to.equal(200);
    expect(ok.body).to.deep.equal({ limit: 5 });
    const bad = await gateway
      .http()
      .get(`/v1/test/households?limit=0&nid=${ID_ASCII}`)
      .set(bearer(gateway.keys.donor));
    expect(bad.status).to.equal(400);
    expect(bad.body.error.field).to.equal("limit");
    expect(bad.body.error.message).to.equal("Query parameter limit must be at least 1");
    expect(bad.text).not.to.include(ID_ASCII);
  });
});

describe("assertStrictObjects(): schemas that would drop unknown fields are refused at definition", () => {
  it("refuses z.object at the top level", () => {
    expect(() => validate(z.object({ a: z.string() }))).to.throw("body: use z.strictObject(...)");
  });

  it("refuses a z.object nested in arrays, optionals and unions, naming where", () => {
    const schema = z.strictObject({
      members: z.array(z.union([z.strictObject({ a: z.string() }), z.object({ b: z.string() })])).optional(),
    });
    expect(() => assertStrictObjects(schema)).to.throw("schema.members[]: use z.strictObject(...)");
  });

  it("refuses z.looseObject, accepts strict objects and explicit catchalls", () => {
    expect(() => assertStrictObjects(z.looseObject({}))).to.throw();
    expect(() =>
      assertStrictObjects(
        z.strictObject({ tags: z.object({}).catchall(z.string()), list: z.array(z.strictObject({})) }),
      ),
    ).not.to.throw();
  });
});

describe("parseInput()", () => {
  it("returns the parsed value on success", () => {
    expect(parseInput(z.strictObject({ n: z.coerce.number() }), { n: "3" })).to.deep.equal({ n: 3 });
  });

  it("throws a ValidationError naming the field, never the value", () => {
    const schema = z.strictObject({ nationalId: z.string().length(10) });
    try {
      parseInput(schema, { nationalId: `${ID_ASCII}1` });
      expect.fail("should have thrown");
    } catch (error) {
      expect(error).to.be.instanceOf(ValidationError);
      const { field, status, message } = error as ValidationError;
      expect({ field, status, message }).to.deep.equal({
        field: "nationalId",
        status: 400,
        message: "Field nationalId must have at most 10 characters",
      });
    }
  });
});
