import { expect } from "chai";
import type { Response } from "supertest";
import { requireRole } from "../../../src/api";
import {
  API_KEY_PREFIX,
  createApiKey,
  findApiKey,
  hashApiKey,
  listApiKeys,
  migrateApiKeys,
  revokeApiKey,
  ROLES,
  type Role,
} from "../../../src/apiKeys";
import { ValidationError } from "../../../src/errors";
import { bearer, startGateway, type Gateway } from "./helpers/gateway";

describe("API keys and roles", () => {
  let gateway: Gateway;
  before(async () => {
    gateway = await startGateway();
  });
  after(async () => {
    await gateway.stop();
  });

  describe("requireRole: the 401/403 matrix", () => {
    const household = { postalCode: "1234567890", members: [{ nationalId: "0012345678" }] };
    const routes: { name: string; send: (g: Gateway, key?: string) => Promise<Response>; allowed: Role[] }[] =
      [
        {
          name: "POST /v1/test/households",
          send: (g, key) => {
            const req = g.http().post("/v1/test/households");
            return (key ? req.set(bearer(key)) : req).send(household);
          },
          allowed: ["charity", "registrar"],
        },
        {
          name: "GET /v1/test/regulator",
          send: (g, key) => {
            const req = g.http().get("/v1/test/regulator");
            return key ? req.set(bearer(key)) : req;
          },
          allowed: ["regulator"],
        },
        {
          name: "GET /v1/test/households (any role)",
          send: (g, key) => {
            const req = g.http().get("/v1/test/households");
            return key ? req.set(bearer(key)) : req;
          },
          allowed: [...ROLES],
        },
      ];

    for (const route of routes) {
      for (const role of ROLES) {
        const expected = route.allowed.includes(role) ? "admits" : "answers 403 to";
        it(`${route.name} ${expected} ${role}`, async () => {
          const res = await route.send(gateway, gateway.keys[role]);
          if (route.allowed.includes(role)) {
            expect(res.status).to.be.oneOf([200, 201]);
          } else {
            expect(res.status).to.equal(403);
            expect(res.body.error.name).to.equal("ForbiddenError");
          }
        });
      }
      it(`${route.name} answers 401 without a key`, async () => {
        const res = await route.send(gateway);
        expect(res.status).to.equal(401);
        expect(res.body.error).to.include({
          name: "UnauthenticatedError",
          message: "An API key is required",
        });
        expect(res.headers["www-authenticate"]).to.equal('Bearer realm="sintech"');
      });
    }

    it("answers 401 to a well-formed key that was never issued", async () => {
      const res = await gateway
        .http()
        .get("/v1/test/regulator")
        .set(bearer(`${API_KEY_PREFIX}${"A".repeat(43)}`));
      expect(res.status).to.equal(401);
      expect(res.body.error.message).to.equal("The API key is not valid or has been revoked");
    });

    it("answers 401 to malformed credentials and other schemes", async () => {
      for (const authorization of [
        "Bearer not-a-key",
        "Basic dXNlcjpwYXNz",
        `Bearer ${gateway.keys.regulator} extra`,
      ]) {
        const res = await gateway.http().get("/v1/test/regulator").set("Authorization", authorization);
        expect(res.status, authorization).to.equal(401);
      }
    });

    it("accepts the key in X-API-Key as well", async () => {
      const res = await gateway.http().get("/v1/test/regulator").set("X-API-Key", gateway.keys.regulator);
      expect(res.status).to.equal(200);
      expect(res.body).to.deep.equal({ role: "regulator" });
    });

    it("answers 401 once a key is revoked, and only for that key", async () => {
      const { key, record } = createApiKey(gateway.db, {
        orgId: "org-b",
        role: "regulator",
        label: "to revoke",
      });
      expect((await gateway.http().get("/v1/test/regulator").set(bearer(key))).status).to.equal(200);
      expect(revokeApiKey(gateway.db, record.id)).to.equal(true);
      const res = await gateway.http().get("/v1/test/regulator").set(bearer(key));
      expect(res.status).to.equal(401);
      expect(res.body.error.message).to.equal("The API key is not valid or has been revoked");
      expect(
        (await gateway.http().get("/v1/test/regulator").set(bearer(gateway.keys.regulator))).status,
      ).to.equal(200);
    });

    it("checks the role before the body, so strangers learn nothing about the input rules", async () => {
      const res = await gateway
        .http()
        .post("/v1/test/households")
        .set(bearer(gateway.keys.donor))
        .send({ bogus: 1 });
      expect(res.status).to.equal(403);
    });

    it("refuses to build a guard for an unknown role", () => {
      expect(() => requireRole("owner" as Role)).to.throw('unknown role "owner"');
    });
  });

  describe("the key store", () => {
    it("stores only the SHA-256 of a 32-byte key, with org, role, label and dates", () => {
      const { key, record } = createApiKey(gateway.db, { orgId: "0xAbC1", role: "vendor", label: "till 3" });
      expect(key).to.match(/^stk_[A-Za-z0-9_-]{43}$/);
      expect(Buffer.from(key.slice(4), "base64url")).to.have.length(32);
      const row = gateway.db.prepare("SELECT * FROM api_keys WHERE id = ?").get(record.id) as Record<
        string,
        unknown
      >;
      expect(row).to.deep.equal({
        id: record.id,
        key_hash: hashApiKey(key),
        org_id: "0xAbC1",
        role: "vendor",
        label: "till 3",
        created_at: record.createdAt,
        revoked_at: null,
      });
      const everything = JSON.stringify(gateway.db.prepare("SELECT * FROM api_keys").all());
      expect(everything).not.to.include(key);
      expect(everything).not.to.include(key.slice(4, 20));
    });

    it("finds a key by its plaintext and reports revocation", () => {
      const { key, record } = createApiKey(gateway.db, { orgId: "org-c", role: "auditor", label: "audit" });
      expect(findApiKey(gateway.db, key)).to.deep.equal(record);
      expect(revokeApiKey(gateway.db, record.id)).to.equal(true);
      expect(revokeApiKey(gateway.db, record.id)).to.equal(false);
      expect(findApiKey(gateway.db, key)!.revokedAt).to.be.a("string");
      expect(findApiKey(gateway.db, "stk_short")).to.equal(undefined);
    });

    it("lists one organisation's keys", () => {
      createApiKey(gateway.db, { orgId: "org-list", role: "donor", label: "first" });
      createApiKey(gateway.db, { orgId: "org-list", role: "charity", label: "second" });
      expect(listApiKeys(gateway.db, "org-list").map((k) => [k.role, k.label])).to.deep.equal([
        ["donor", "first"],
        ["charity", "second"],
      ]);
      expect(listApiKeys(gateway.db).length).to.be.greaterThan(ROLES.length);
    });

    it("rejects an unknown role or an empty label, naming the field", () => {
      expect(() => createApiKey(gateway.db, { orgId: "org", role: "owner" as Role, label: "x" }))
        .to.throw(ValidationError)
        .with.property("field", "role");
      expect(() => createApiKey(gateway.db, { orgId: "org", role: "donor", label: "  " }))
        .to.throw(ValidationError)
        .with.property("field", "label");
    });

    it("migrates idempotently and keeps existing keys", () => {
      const before = listApiKeys(gateway.db).length;
      migrateApiKeys(gateway.db);
      migrateApiKeys(gateway.db);
      expect(listApiKeys(gateway.db)).to.have.length(before);
    });
  });
});
