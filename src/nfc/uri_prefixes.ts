/**
 * The URI record's abbreviations (NFC Forum URI RTD 1.0, 3.2.2, Table 3): the first payload
 * byte stands for a prefix of the URI.
 *
 * @module
 */

/** Prefix by code, 0x00 (none) to 0x23; 0x24–0xFF are reserved. */
export const URI_PREFIXES: readonly string[] = Object.freeze([
  "",
  "http://www.",
  "https://www.",
  "http://",
  "https://",
  "tel:",
  "mailto:",
  "ftp://anonymous:anonymous@",
  "ftp://ftp.",
  "ftps://",
  "sftp://",
  "smb://",
  "nfs://",
  "ftp://",
  "dav://",
  "news:",
  "telnet://",
  "imap:",
  "rtsp://",
  "urn:",
  "pop:",
  "sip:",
  "sips:",
  "tftp:",
  "btspp://",
  "btl2cap://",
  "btgoep://",
  "tcpobex://",
  "irdaobex://",
  "file://",
  "urn:epc:id:",
  "urn:epc:tag:",
  "urn:epc:pat:",
  "urn:epc:raw:",
  "urn:epc:",
  "urn:nfc:",
]);

/** The longest prefix of `uri` in the table: its code and the rest of `uri`. */
export function abbreviateUri(uri: string): { code: number; rest: string } {
  let code = 0;
  for (let i = 1; i < URI_PREFIXES.length; i++) {
    if (uri.startsWith(URI_PREFIXES[i]) && URI_PREFIXES[i].length > URI_PREFIXES[code].length) {
      code = i;
    }
  }
  return { code, rest: uri.slice(URI_PREFIXES[code].length) };
}
