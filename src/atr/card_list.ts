/**
 * Naming a card from its ATR, as pcsc-tools' `ATR_analysis` does: with the `smartcard_list.txt`
 * that pcsc-tools installs (and `pcsc_scan` keeps up to date in the user's cache), and with
 * PC/SC Part 3's tables for the ATRs contactless readers build.
 *
 * The list is GPL-licensed data maintained by Ludovic Rousseau: it is read where it is
 * installed, never shipped with this module.
 *
 * @module
 */

import { type Bytes, toByteList } from "../smartcard/bytes.ts";
import { toHexString } from "../smartcard/util.ts";
import { parseStorageCardAtr, type Part3StorageCard } from "./part3.ts";

/** One entry of the list: an ATR pattern and the lines that describe the cards it matches. */
export interface AtrListEntry {
  /** The pattern as the list writes it: hex pairs, `..` for any byte, `[..]` for a choice. */
  readonly pattern: string;
  /** The description lines under the pattern (card names, then often a URL). */
  readonly descriptions: readonly string[];
}

/** What {@linkcode identifyAtr} found. */
export interface AtrIdentification {
  /** The ATR as uppercase hex pairs. */
  readonly atr: string;
  /** Every name found: the list's descriptions of every matching entry, then Part 3's name. */
  readonly names: readonly string[];
  /** The list entries whose pattern matches the ATR, in the list's order. */
  readonly matches: readonly AtrListEntry[];
  /** The ATR taken apart as a Part 3 storage card, or null when it is not one. */
  readonly part3: Part3StorageCard | null;
  /** Where the list was read from, or null when no list was used. */
  readonly list: string | null;
  /** Without a list, how to get one; otherwise null. */
  readonly hint: string | null;
}

/** Where to get the list, for the message shown when it is missing. */
export const SMARTCARD_LIST_HINT: string =
  "no smartcard_list.txt found to name cards: install pcsc-tools (Debian/Ubuntu: " +
  "apt install pcsc-tools; macOS: brew install pcsc-tools), or save " +
  "https://pcsc-tools.apdu.fr/smartcard_list.txt as ~/.cache/smartcard_list.txt";

/**
 * pcsc-tools' list of ATRs, parsed: comment lines start with `#`, a pattern line stands alone,
 * the tab-indented lines under it describe it. Patterns are regular expressions over the ATR
 * written as uppercase hex pairs separated by blanks, anchored at both ends, as `ATR_analysis`
 * uses them.
 */
export class SmartcardList {
  /** Where the list came from: its path, or what {@linkcode SmartcardList.parse} was told. */
  readonly source: string;
  /** The entries, in the list's order. */
  readonly entries: readonly AtrListEntry[];
  readonly #patterns: readonly ((atr: string) => boolean)[];

  private constructor(source: string, entries: AtrListEntry[]) {
    this.source = source;
    this.entries = Object.freeze(entries);
    this.#patterns = entries.map((e) => compile(e.pattern));
  }

  /** Parses the list's text. */
  static parse(text: string, source: string = "(text)"): SmartcardList {
    const entries: { pattern: string; descriptions: string[] }[] = [];
    let current: { pattern: string; descriptions: string[] } | null = null;
    for (const raw of text.split(/\r?\n/)) {
      if (raw.startsWith("#") || raw.trim() === "") continue;
      if (raw.startsWith("\t")) {
        current?.descriptions.push(raw.trim());
        continue;
      }
      current = { pattern: raw.trim(), descriptions: [] };
      entries.push(current);
    }
    return new SmartcardList(source, entries);
  }

  /**
   * Reads and parses the list at `path` (synchronously: it is read once, then kept for the
   * life of the process by {@linkcode identifyAtr}).
   */
  static load(path: string): SmartcardList {
    return SmartcardList.parse(Deno.readTextFileSync(path), path);
  }

  /** The entries whose pattern matches `atr`, in the list's order. */
  match(atr: Bytes): AtrListEntry[] {
    const text = toHexString(toByteList(atr, "atr"));
    return this.entries.filter((_, i) => this.#patterns[i](text));
  }
}

function compile(pattern: string): (atr: string) => boolean {
  try {
    const re = new RegExp(`^(?:${pattern})$`, "i");
    return (atr) => re.test(atr);
  } catch {
    // a line JavaScript cannot read as a pattern still matches itself
    const literal = pattern.toUpperCase();
    return (atr) => atr === literal;
  }
}

/**
 * Where `ATR_analysis` looks for the list, in its order: the copy `pcsc_scan` and
 * `ATR_analysis` keep in the user's cache (`$XDG_CACHE_HOME` or `~/.cache`), `~/.smartcard_list.txt`,
 * then the system's copies (Debian's is `/usr/share/pcsc/smartcard_list.txt`; Homebrew's last).
 * Home-relative paths are left out when the environment may not be read.
 */
export function smartcardListPaths(): string[] {
  const paths: string[] = [];
  const cache = env("XDG_CACHE_HOME");
  const home = env("HOME") ?? env("USERPROFILE");
  if (cache) paths.push(`${cache}/smartcard_list.txt`);
  else if (home) paths.push(`${home}/.cache/smartcard_list.txt`);
  if (home) paths.push(`${home}/.smartcard_list.txt`);
  paths.push(
    "/usr/local/pcsc/smartcard_list.txt",
    "/usr/share/pcsc/smartcard_list.txt",
    "/usr/local/share/pcsc/smartcard_list.txt",
    "/opt/homebrew/share/pcsc/smartcard_list.txt",
  );
  return paths;
}

function env(name: string): string | undefined {
  // query first: an environment the program may not read is no reason to prompt or fail
  if (Deno.permissions.querySync({ name: "env", variable: name }).state !== "granted") {
    return undefined;
  }
  return Deno.env.get(name) || undefined;
}

const loaded = new Map<string, SmartcardList>();

/**
 * The first list found among {@linkcode smartcardListPaths}, read once and kept; null when
 * there is none (or none this program may read). Unlike `ATR_analysis`, an empty file is passed
 * over: a download that failed leaves one in the cache.
 */
export function findSmartcardList(): SmartcardList | null {
  for (const path of smartcardListPaths()) {
    const list = tryLoad(path);
    if (list) return list;
  }
  return null;
}

function tryLoad(path: string): SmartcardList | null {
  const known = loaded.get(path);
  if (known) return known;
  try {
    const list = SmartcardList.load(path);
    // an empty file (what a failed download leaves) must not hide the system's list
    if (list.entries.length === 0) return null;
    loaded.set(path, list);
    return list;
  } catch (error) {
    if (
      error instanceof Deno.errors.NotFound || error instanceof Deno.errors.PermissionDenied ||
      error instanceof Deno.errors.NotCapable || error instanceof Deno.errors.IsADirectory
    ) {
      return null;
    }
    throw error;
  }
}

/** What {@linkcode identifyAtr} reads. */
export interface IdentifyAtrOptions {
  /**
   * The list: a parsed {@linkcode SmartcardList}, a path to one, or null for none (Part 3's
   * tables only). By default, the first of {@linkcode smartcardListPaths} that exists.
   */
  readonly list?: SmartcardList | string | null;
}

/**
 * Names a card from its ATR: the descriptions of every entry of pcsc-tools' list whose pattern
 * matches (as `ATR_analysis` prints them), and, for the ATR a contactless reader builds for a
 * storage card, PC/SC Part 3's card name, which needs no list.
 *
 * @example
 * ```ts
 * import { identifyAtr, toBytes } from "@pcsc/smartcard";
 *
 * const found = identifyAtr(toBytes("3B 8F 80 01 80 4F 0C A0 00 00 03 06 03 00 01 00 00 00 00 6A"));
 * found.names; // [..."NXP/Philips MIFARE Classic 1K (as per PCSC std part3)"..., "Mifare Standard 1K (PC/SC Part 3, ISO 14443 A, part 3)"]
 * found.hint; // null, or how to install the list
 * ```
 *
 * @throws TypeError/RangeError when `atr` is not a byte sequence
 * @throws Deno.errors.NotFound when `options.list` is a path that does not exist
 */
export function identifyAtr(atr: Bytes, options: IdentifyAtrOptions = {}): AtrIdentification {
  const bytes = toByteList(atr, "atr");
  const option = options.list;
  const list = option === null
    ? null
    : option instanceof SmartcardList
    ? option
    : typeof option === "string"
    ? loaded.get(option) ?? remember(option, SmartcardList.load(option))
    : findSmartcardList();
  const matches = list ? list.match(bytes) : [];
  const part3 = parseStorageCardAtr(bytes);
  const names = matches.flatMap((m) => m.descriptions);
  if (part3?.cardNameText) {
    names.push(`${part3.cardNameText} (PC/SC Part 3, ${part3.standardName})`);
  }
  return Object.freeze({
    atr: toHexString(bytes),
    names: Object.freeze(names),
    matches: Object.freeze(matches),
    part3,
    list: list?.source ?? null,
    hint: list || option === null ? null : SMARTCARD_LIST_HINT,
  });
}

function remember(path: string, list: SmartcardList): SmartcardList {
  loaded.set(path, list);
  return list;
}
