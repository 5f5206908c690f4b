/** The command-line options the loop scripts take: `--json`, and numbers as `--name=value`. */
export function cliOptions(argv: readonly string[] = process.argv.slice(2)) {
  return {
    asJson: argv.includes("--json"),
    number(name: string, fallback: number): number {
      const value = argv.find((arg) => arg.startsWith(`--${name}=`))?.split("=")[1];
      return value === undefined ? fallback : Number(value);
    },
  };
}
