/**
 * MIME types as the WHATWG MIME Sniffing standard parses and serializes them ("parse a MIME
 * type", "serialize a MIME type"), which Web NFC uses for the media type of "mime" records.
 *
 * @module
 */

const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
const QUOTED_OK = /^[\t\x20-\x7e\x80-\xff]*$/;
const HTTP_WHITESPACE = /^[\t\n\r ]+|[\t\n\r ]+$/g;

/** A parsed MIME type: lower-case type and subtype, parameters in order. */
export interface MimeType {
  readonly type: string;
  readonly subtype: string;
  readonly parameters: ReadonlyMap<string, string>;
}

/** "parse a MIME type": null where the standard says failure. */
export function parseMimeType(input: string): MimeType | null {
  const s = input.replace(HTTP_WHITESPACE, "");
  let at = s.indexOf("/");
  if (at < 0) return null;
  const type = s.slice(0, at);
  if (!TOKEN.test(type)) return null;
  let end = s.indexOf(";", at + 1);
  if (end < 0) end = s.length;
  const subtype = s.slice(at + 1, end).replace(/[\t\n\r ]+$/, "");
  if (!TOKEN.test(subtype)) return null;
  const parameters = new Map<string, string>();
  at = end;
  while (at < s.length) {
    at++; // the ";"
    while (at < s.length && /[\t\n\r ]/.test(s[at])) at++;
    let nameEnd = at;
    while (nameEnd < s.length && s[nameEnd] !== ";" && s[nameEnd] !== "=") nameEnd++;
    const name = s.slice(at, nameEnd).toLowerCase();
    at = nameEnd;
    if (at < s.length && s[at] === ";") continue;
    if (at >= s.length) break;
    at++; // the "="
    let value: string;
    if (s[at] === '"') {
      value = "";
      at++;
      while (at < s.length && s[at] !== '"') {
        if (s[at] === "\\" && at + 1 < s.length) at++;
        value += s[at++];
      }
      while (at < s.length && s[at] !== ";") at++;
    } else {
      let valueEnd = s.indexOf(";", at);
      if (valueEnd < 0) valueEnd = s.length;
      value = s.slice(at, valueEnd).replace(/[\t\n\r ]+$/, "");
      at = valueEnd;
      if (value === "") continue;
    }
    if (name !== "" && TOKEN.test(name) && QUOTED_OK.test(value) && !parameters.has(name)) {
      parameters.set(name, value);
    }
  }
  return { type: type.toLowerCase(), subtype: subtype.toLowerCase(), parameters };
}

/** "serialize a MIME type". */
export function serializeMimeType(mime: MimeType): string {
  let out = `${mime.type}/${mime.subtype}`;
  for (const [name, value] of mime.parameters) {
    const quoted = value === "" || !TOKEN.test(value);
    out += `;${name}=${quoted ? `"${value.replace(/(["\\])/g, "\\$1")}"` : value}`;
  }
  return out;
}
