import { expect } from "chai";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";

/**
 * One direction in the gateway: faces (cli, main, api, web) → use-cases → below (chain, db, identity, ...).
 * A room is a folder directly under `src/` (or `src/errors.ts`). Every relative import of every `.ts`
 * under `src/` is resolved and checked against the table below, so a use-case reaching up into the
 * HTTP layer, or a route reaching into the composition root, fails here rather than in review.
 */
const SRC = path.resolve(__dirname, "../../src");

type Layer = "face" | "useCase" | "below";

/** Every room must be listed: a new room (delivery, indexer, audit, web pages) is placed on purpose. */
const ROOMS: Record<string, Layer> = {
  cli: "face",
  main: "face",
  api: "face",
  web: "face",
  households: "useCase",
  wallets: "useCase",
  programmes: "useCase",
  disbursement: "useCase",
  organisations: "useCase",
  anchoring: "useCase",
  evidence: "useCase",
  delivery: "useCase",
  indexer: "useCase",
  audit: "useCase",
  coverage: "useCase",
  recognition: "useCase",
  timebank: "useCase",
  mandates: "useCase",
  chain: "below",
  db: "below",
  identity: "below",
  config: "below",
  logging: "below",
  validation: "below",
  apiKeys: "below",
  errors: "below",
  yieldToEventLoop: "below",
};

const RANK: Record<Layer, number> = { face: 2, useCase: 1, below: 0 };

/**
 * Among the faces: `cli` is the process entry and may start the composition root (`main/bootGateway`,
 * and `main/seedDemo` for the demo it runs and the error it reports); `main` composes `api`; `api`
 * reaches neither `main` nor `cli`, and `main` never reaches `cli`.
 */
const FACE_EDGES: Record<string, (target: string) => boolean> = {
  "cli->main": (target) => ["main/bootGateway.ts", "main/seedDemo.ts"].includes(target),
  "cli->api": () => true,
  "main->api": () => true,
  "main->web": () => true,
};

/**
 * The one sanctioned reach downward-to-upward: `db/migrations.ts` assembles the schema from each
 * room's `schema.ts`. Those files hold SQL text only, so the test also insists they import nothing.
 */
const SCHEMA_FILE =
  /^(households|wallets|programmes|disbursement|organisations|anchoring|evidence|delivery|indexer|recognition|timebank|mandates)\/(.*\/)?schema\.ts$/;

function roomOf(relative: string): string {
  const [first] = relative.split("/");
  // A room of one file (src/errors.ts) is named without its extension.
  return first!.endsWith(".ts") ? first!.slice(0, -3) : first!;
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) return sourceFiles(full);
    return name.endsWith(".ts") ? [full] : [];
  });
}

/** `from "../x"`, `import "./y"`, `import("../z")`, `export ... from "./w"`: relative specifiers only. */
function relativeImports(source: string): string[] {
  const specifiers: string[] = [];
  const pattern = /(?:\bfrom\s+|\bimport\s*\(?\s*)["'](\.{1,2}\/[^"']*)["']/g;
  for (const match of source.matchAll(pattern)) specifiers.push(match[1]);
  return specifiers;
}

/** The file an import lands on, relative to `src/`; undefined when it leaves `src/` (deploy, typechain). */
function resolveImport(fromFile: string, specifier: string): string | undefined {
  const base = path.resolve(path.dirname(fromFile), specifier);
  const candidates = [base, `${base}.ts`, path.join(base, "index.ts"), `${base}.json`];
  const found = candidates.find((candidate) => existsSync(candidate) && statSync(candidate).isFile());
  const target = found ?? base;
  const relative = path.relative(SRC, target);
  if (relative.startsWith("..")) return undefined;
  if (!found) throw new Error(`${path.relative(SRC, fromFile)}: cannot resolve ${specifier}`);
  return relative.split(path.sep).join("/");
}

/** Why `from` may not import `to`, or undefined when it may. */
function refusal(from: string, to: string): string | undefined {
  const fromRoom = roomOf(from);
  const toRoom = roomOf(to);
  if (fromRoom === toRoom) return undefined;
  const fromLayer = ROOMS[fromRoom];
  const toLayer = ROOMS[toRoom];
  if (!fromLayer) return `room ${fromRoom} is not in the architecture table`;
  if (!toLayer) return `room ${toRoom} is not in the architecture table`;
  if (from === "db/migrations.ts" && SCHEMA_FILE.test(to)) return undefined;
  if (fromLayer === "face" && toLayer === "face") {
    const edge = FACE_EDGES[`${fromRoom}->${toRoom}`];
    return edge?.(to) ? undefined : `face ${fromRoom} may not import face ${toRoom}`;
  }
  if (RANK[toLayer] > RANK[fromLayer]) return `${fromLayer} ${fromRoom} may not import ${toLayer} ${toRoom}`;
  return undefined;
}

function importGraph(): Array<{ from: string; to: string }> {
  return sourceFiles(SRC).flatMap((file) => {
    const from = path.relative(SRC, file).split(path.sep).join("/");
    return relativeImports(readFileSync(file, "utf8")).flatMap((specifier) => {
      const to = resolveImport(file, specifier);
      return to === undefined ? [] : [{ from, to }];
    });
  });
}

describe("gateway architecture: one direction between rooms", () => {
  const graph = importGraph();

  it("places every room under src/ in the table", () => {
    const rooms = readdirSync(SRC).map((name) => (name.endsWith(".ts") ? name.slice(0, -3) : name));
    expect(rooms.filter((room) => !(room in ROOMS))).to.deep.equal([]);
  });

  it("finds the imports it checks (the scan is not vacuous)", () => {
    expect(graph.length).to.be.greaterThan(100);
    expect(graph).to.deep.include({ from: "api/auth/identify.ts", to: "apiKeys/index.ts" });
  });

  it("has no import from a lower room into a higher one, nor between faces against the rule", () => {
    const violations = graph
      .map(({ from, to }) => ({ from, to, why: refusal(from, to) }))
      .filter((edge) => edge.why !== undefined)
      .map(({ from, to, why }) => `${from} → ${to}: ${why}`);
    expect(violations).to.deep.equal([]);
  });

  it("keeps every room schema free of imports, so db/migrations reaching them reaches nothing above", () => {
    const schemas = sourceFiles(SRC)
      .map((file) => path.relative(SRC, file).split(path.sep).join("/"))
      .filter((file) => SCHEMA_FILE.test(file));
    expect(schemas).to.include("programmes/schema.ts");
    const importing = schemas.filter((file) =>
      /^\s*(import|export .* from)\b/m.test(readFileSync(path.join(SRC, file), "utf8")),
    );
    expect(importing).to.deep.equal([]);
  });

  it("refuses the upward imports this rule was written against", () => {
    expect(refusal("programmes/createProgramme.ts", "api/validation/parseInput.ts")).to.equal(
      "useCase programmes may not import face api",
    );
    expect(refusal("api/routes/statusRoutes.ts", "main/services.ts")).to.equal(
      "face api may not import face main",
    );
    expect(refusal("apiKeys/createApiKey.ts", "organisations/index.ts")).to.equal(
      "below apiKeys may not import useCase organisations",
    );
    expect(refusal("cli/main.ts", "main/services.ts")).to.equal("face cli may not import face main");
    expect(refusal("main/routes.ts", "cli/main.ts")).to.equal("face main may not import face cli");
    expect(refusal("db/sqlite.ts", "households/index.ts")).to.equal(
      "below db may not import useCase households",
    );
  });

  it("allows the downward imports and the composition root's edges", () => {
    expect(refusal("organisations/registerOrganisation.ts", "apiKeys/index.ts")).to.equal(undefined);
    expect(refusal("api/routes/walletRoutes.ts", "wallets/index.ts")).to.equal(undefined);
    expect(refusal("disbursement/disburse.ts", "households/index.ts")).to.equal(undefined);
    expect(refusal("main/routes.ts", "api/index.ts")).to.equal(undefined);
    expect(refusal("cli/startCommand.ts", "main/bootGateway.ts")).to.equal(undefined);
    expect(refusal("db/migrations.ts", "wallets/schema.ts")).to.equal(undefined);
  });
});
