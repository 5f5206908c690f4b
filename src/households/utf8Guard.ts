import { Transform } from "node:stream";
import { ValidationError } from "../errors";

/**
 * A pass-through stream that refuses text that is not valid UTF-8, naming the line of the first bad
 * byte (a Latin-1 or Windows-1256 export would otherwise become U+FFFD silently). One pass over the
 * bytes, no copy; the refusal is a 400 on `file` with code `not_utf8`.
 */
export function utf8Guard(): Transform {
  let line = 1;
  let need = 0; // continuation bytes still expected
  let lo = 0x80; // allowed range of the next continuation byte
  let hi = 0xbf;
  const refuse = () =>
    new ValidationError(
      "file",
      "not_utf8",
      `The CSV file is not valid UTF-8 at line ${line}: save it as UTF-8 (Latin-1 and Windows code pages are refused)`,
    );
  return new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      for (let i = 0; i < chunk.length; i++) {
        const byte = chunk[i]!;
        if (need > 0) {
          if (byte < lo || byte > hi) return callback(refuse());
          need--;
          lo = 0x80;
          hi = 0xbf;
          continue;
        }
        if (byte < 0x80) {
          if (byte === 0x0a) line++;
          continue;
        }
        if (byte >= 0xc2 && byte <= 0xdf) need = 1;
        else if (byte === 0xe0) [need, lo] = [2, 0xa0];
        else if (byte === 0xed)
          [need, hi] = [2, 0x9f]; // no UTF-16 surrogates
        else if (byte >= 0xe1 && byte <= 0xef) need = 2;
        else if (byte === 0xf0) [need, lo] = [3, 0x90];
        else if (byte === 0xf4)
          [need, hi] = [3, 0x8f]; // nothing above U+10FFFF
        else if (byte >= 0xf1 && byte <= 0xf3) need = 3;
        else return callback(refuse());
      }
      callback(null, chunk);
    },
    flush(callback) {
      callback(need > 0 ? refuse() : null);
    },
  });
}
