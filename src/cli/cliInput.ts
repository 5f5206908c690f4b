import { CliError } from "./apiClient";

/** `--name value` and bare `--name` flags, and the positional arguments around them. */
export type Flags = Map<string, string | true>;

export function parseFlags(args: string[]): { positional: string[]; flags: Flags } {
  const flags: Flags = new Map();
  const positional: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (!arg.startsWith("--")) {
      positional.push(arg);
      continue;
    }
    const next = args[i + 1];
    if (next !== undefined && !next.startsWith("--")) {
      flags.set(arg.slice(2), next);
      i++;
    } else flags.set(arg.slice(2), true);
  }
  return { positional, flags };
}

export function value(flags: Flags, name: string): string | undefined {
  const found = flags.get(name);
  if (found === true) throw new CliError(`--${name} needs a value.`);
  return found;
}

/** One line typed on stdin (a PIN, a code, a national ID): secrets never go through argv. */
export async function readSecret(what: string, stdin: NodeJS.ReadableStream): Promise<string> {
  const [line] = await readSecrets([what], stdin);
  return line!;
}

/** One line per secret, in order, typed on stdin (a national ID, then a PIN). */
export async function readSecrets(what: string[], stdin: NodeJS.ReadableStream): Promise<string[]> {
  let text = "";
  for await (const chunk of stdin) {
    text += String(chunk);
    if (text.split("\n").length > what.length) break;
  }
  const lines = text.split("\n").map((line) => line.trim());
  return what.map((name, index) => {
    if (!lines[index]) throw new CliError(`Type the ${name} on stdin.`);
    return lines[index]!;
  });
}
