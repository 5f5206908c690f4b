import { main } from "../../../src/cli/main";

/** Runs the CLI in-process with `env` set for the run only, stdout captured (stderr left to the console). */
export async function runCli(
  args: string[],
  env: Record<string, string> = {},
): Promise<{ code: number; out: string }> {
  const saved = Object.fromEntries(Object.keys(env).map((name) => [name, process.env[name]]));
  Object.assign(process.env, env);
  const write = process.stdout.write.bind(process.stdout);
  let out = "";
  process.stdout.write = ((chunk: string | Uint8Array) => {
    out += chunk.toString();
    return true;
  }) as typeof process.stdout.write;
  try {
    return { code: await main(args), out };
  } finally {
    process.stdout.write = write;
    for (const [name, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  }
}
