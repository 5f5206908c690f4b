import { createHash } from "node:crypto";
import { keccak256, toUtf8Bytes } from "ethers";
import { toAsciiDigits } from "../../../src/identity";

/**
 * Finds personal values in text or bytes whatever form they took on the way: national IDs, phones and
 * postal codes written in ASCII, Persian or Arabic-Indic digits, grouped with spaces or dashes, JSON
 * escaped, hex-encoded (calldata, event data, storage), as a 256-bit number, or as an unkeyed keccak256 or
 * sha256, bare or behind a domain prefix such as "donor:" (a hash anyone can reverse by trying every
 * 10-digit number).
 */
export class LeakScanner {
  private readonly digitNeedles = new Map<string, string>();
  private readonly digitLengths = new Set<number>();
  private readonly textNeedles: [string, string][] = [];
  private readonly words = new Map<string, string>();
  /** Every value found, with where. */
  readonly found: string[] = [];

  /** A value made of digits (ID, phone, postal code), given in ASCII digits; `label` says what it is. */
  addDigits(value: string, label: string): void {
    if (!/^[0-9]{8,}$/.test(value)) throw new Error(`not a digit needle: ${label}`);
    this.digitNeedles.set(value, label);
    this.digitLengths.add(value.length);
    this.words.set(BigInt(value).toString(16).padStart(64, "0"), `${label} as a number`);
    this.addHashes(value, label);
  }

  /**
   * The prefixes an unkeyed hash has been seen or could be made with: `keccak256("donor:" + reference)` is
   * how cash donors' references reached the chain before they were keyed.
   */
  static readonly HASH_PREFIXES = [
    "",
    "donor:",
    "donor-",
    "donor",
    "beneficiary:",
    "household:",
    "earmark:",
    "phone:",
    "id:",
  ] as const;

  /** Unkeyed keccak256 and sha256 of `value`, with and without each of `HASH_PREFIXES`. */
  private addHashes(value: string, label: string): void {
    for (const prefix of LeakScanner.HASH_PREFIXES) {
      const text = `${prefix}${value}`;
      const how = prefix === "" ? "" : ` prefixed "${prefix}"`;
      this.words.set(keccak256(toUtf8Bytes(text)).slice(2), `${label} as keccak256${how}`);
      this.words.set(createHash("sha256").update(text).digest("hex"), `${label} as sha256${how}`);
    }
  }

  /** A value of text (a name). */
  addText(value: string, label: string): void {
    this.textNeedles.push([value.normalize("NFC"), label]);
    this.addHashes(value, label);
  }

  get size(): number {
    return this.digitNeedles.size + this.textNeedles.length;
  }

  /** Scans text (a log, a response, a file as UTF-8), including every hex blob inside it. */
  scanText(text: string, where: string): void {
    const unescaped = text.replace(/\\u([0-9a-fA-F]{4})/g, (_, hex: string) =>
      String.fromCharCode(parseInt(hex, 16)),
    );
    this.scanDigits(unescaped, where);
    for (const [needle, label] of this.textNeedles) {
      if (unescaped.includes(needle)) this.found.push(`${label} in ${where}`);
    }
    for (const [blob] of unescaped.matchAll(/(?:0x)?[0-9a-fA-F]{16,}/g)) {
      this.scanHex(blob.startsWith("0x") ? blob.slice(2) : blob, `${where} (hex)`);
    }
  }

  /** Scans bytes: as text in both encodings, and as hex-encoded blobs within that text. */
  scanBytes(bytes: Buffer, where: string): void {
    this.scanText(bytes.toString("utf8"), where);
    this.scanDigits(bytes.toString("latin1"), `${where} (latin1)`);
  }

  /** Scans one hex blob (calldata, event data or topic, a storage value). */
  scanHex(hex: string, where: string): void {
    const even = hex.length % 2 === 0 ? hex : `0${hex}`;
    const bytes = Buffer.from(even, "hex");
    this.scanDigits(bytes.toString("latin1"), where);
    const utf8 = bytes.toString("utf8");
    for (const [needle, label] of this.textNeedles) {
      if (utf8.includes(needle)) this.found.push(`${label} in ${where}`);
    }
    const lower = even.toLowerCase();
    const check = (word: string) => {
      const label = this.words.get(word);
      if (label) this.found.push(`${label} in ${where}`);
    };
    if (lower.length <= 64) check(lower.padStart(64, "0"));
    // 32-byte words from the start (event data, storage) and after a 4-byte selector (calldata).
    for (const offset of [0, 8]) {
      for (let i = offset; i + 64 <= lower.length; i += 64) check(lower.slice(i, i + 64));
    }
  }

  private scanDigits(text: string, where: string): void {
    const folded = toAsciiDigits(text);
    // Also with the separators people put inside an ID removed: 483-172659-0, 483 172 6590.
    const joined = folded.replace(/(?<=[0-9])[\s\-\u2010-\u2015\u200c-\u200f]+(?=[0-9])/gu, "");
    for (const version of [folded, joined]) {
      for (const [run] of version.matchAll(/[0-9]{8,}/g)) {
        for (const size of this.digitLengths) {
          for (let i = 0; i + size <= run.length; i++) {
            const label = this.digitNeedles.get(run.slice(i, i + size));
            if (label) this.found.push(`${label} in ${where}`);
          }
        }
      }
    }
  }
}
