import { expect } from "chai";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { builtinModules } from "node:module";
import path from "node:path";
import ts from "typescript";

const ROOT = path.join(__dirname, "..", "..", "..");

/** Every `.ts` file under `dir`. */
function tsFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const file = path.join(dir, name);
    if (statSync(file).isDirectory()) return tsFiles(file);
    return name.endsWith(".ts") && !name.endsWith(".d.ts") ? [file] : [];
  });
}

/**
 * What a file loads at run time: the module specifiers of the CommonJS that tsc emits for it. tsc drops
 * imports used only as types, so what is left is exactly what `node dist/...` will `require`.
 */
function runtimeSpecifiers(file: string): string[] {
  const source = readFileSync(file, "utf8");
  if (file.endsWith(".js"))
    return [...source.matchAll(/require(?:\.resolve)?\("([^"]+)"\)/g)].map((m) => m[1]!);
  const js = ts.transpileModule(source, {
    compilerOptions: {
      module: ts.ModuleKind.CommonJS,
      target: ts.ScriptTarget.ES2022,
      esModuleInterop: true,
    },
    fileName: file,
  }).outputText;
  return [...js.matchAll(/\b(?:require|import)\("([^"]+)"\)/g)].map((match) => match[1]!);
}

/** The file a relative specifier names, as tsc and Node resolve it (`x.ts`, `x/index.ts`, `x.json`). */
function resolveRelative(from: string, specifier: string): string | undefined {
  const base = path.resolve(path.dirname(from), specifier);
  return [base, `${base}.ts`, `${base}.js`, path.join(base, "index.ts")].find(
    (candidate) => existsSync(candidate) && statSync(candidate).isFile(),
  );
}

/** The npm package a bare specifier belongs to: `@scope/name` or `name`. */
function packageOf(specifier: string): string {
  const parts = specifier.split("/");
  return specifier.startsWith("@") ? parts.slice(0, 2).join("/") : parts[0]!;
}

/** Bare imports reachable at run time from `entries`, with the first file that imports each. */
function reachableBareImports(entries: string[]): Map<string, string> {
  const builtins = new Set(builtinModules);
  const seen = new Set<string>();
  const bare = new Map<string, string>();
  const queue = [...entries];
  while (queue.length > 0) {
    const file = queue.pop()!;
    if (seen.has(file)) continue;
    seen.add(file);
    if (file.endsWith(".json")) continue;
    for (const specifier of runtimeSpecifiers(file)) {
      if (specifier.startsWith(".")) {
        const target = resolveRelative(file, specifier);
        if (!target)
          throw new Error(`${path.relative(ROOT, file)} imports ${specifier}, which does not exist`);
        queue.push(target);
      } else if (!specifier.startsWith("node:") && !builtins.has(specifier)) {
        const name = packageOf(specifier);
        if (!bare.has(name)) bare.set(name, path.relative(ROOT, file));
      }
    }
  }
  return bare;
}

describe("packaging: what the gateway runs is a production dependency", function () {
  const manifest = JSON.parse(readFileSync(path.join(ROOT, "package.json"), "utf8")) as {
    dependencies: Record<string, string>;
    devDependencies: Record<string, string>;
    bin: Record<string, string>;
  };
  // The CLI and every module of src/ (the API loads route modules through src/main), and what they
  // reach outside src/: deploy/ and the generated typechain-types/.
  const entries = [...tsFiles(path.join(ROOT, "src")), path.join(ROOT, "bin", "sintech.js")];
  const bare = reachableBareImports(entries);

  it("finds the imports it checks (ethers, express, better-sqlite3 from src; typechain-types reached)", () => {
    expect([...bare.keys()]).to.include.members(["ethers", "express", "better-sqlite3", "zod", "pino"]);
    expect(bare.get("ethers")).to.be.a("string");
  });

  it("lists every bare import reachable from src/ and bin/ in dependencies, not devDependencies", () => {
    // bin/sintech.js loads ts-node only in a development checkout without a current build.
    const devFallback = new Set(["ts-node"]);
    const missing = [...bare]
      .filter(([name]) => !devFallback.has(name) && manifest.dependencies[name] === undefined)
      .map(([name, file]) => `${name} (imported by ${file})`);
    expect(missing, "runtime imports missing from dependencies").to.deep.equal([]);
    const alsoDev = Object.keys(manifest.dependencies).filter((name) => manifest.devDependencies[name]);
    expect(alsoDev).to.deep.equal([]);
  });

  it("resolves every runtime dependency from the installed tree", () => {
    for (const name of bare.keys()) {
      if (name === "ts-node") continue;
      expect(existsSync(path.join(ROOT, "node_modules", name, "package.json")), name).to.equal(true);
    }
  });

  it("runs the build from bin/sintech.js, ts-node only as the development fallback", () => {
    expect(manifest.bin.sintech).to.equal("bin/sintech.js");
    const bin = readFileSync(path.join(ROOT, "bin", "sintech.js"), "utf8");
    expect(bin).to.include('path.join(root, "dist", "src", "cli", "main.js")');
    expect(manifest.devDependencies["ts-node"]).to.be.a("string");
    expect(manifest.dependencies["ts-node"]).to.equal(undefined);
  });
});
