/**
 * The card utility's command line: which command, its arguments and options, and the help
 * each command prints.
 *
 * @module
 */

/** A command line that does not make sense; exit code 2. */
export class UsageError extends Error {
  /**
   * Creates a `UsageError`.
   * @param message what is wrong, one line
   * @param command the command whose usage applies, if known
   */
  constructor(message: string, readonly command?: string) {
    super(message);
    this.name = "UsageError";
  }
}

/** What the command line asks for. */
export interface Invocation {
  readonly command: string;
  readonly args: string[];
  readonly reader?: string;
  readonly json: boolean;
  readonly t0: boolean;
  /** --raw: send APDUs as given, without checking them as ISO 7816-4 commands. */
  readonly raw: boolean;
  readonly help: boolean;
  /** `nfc write`'s message: --url, --text, or --json FILE. */
  readonly nfcMessage?: { readonly url?: string; readonly text?: string; readonly file?: string };
  /** `nfc lock`: no confirmation asked. */
  readonly yes?: boolean;
}

/** The commands, with their synopsis and what each does. */
export const COMMANDS: Readonly<Record<string, { synopsis: string; about: string }>> = {
  list: {
    synopsis: "list [--json]",
    about: "The readers, each with its card state, the card's ATR and the names that\n" +
      "pcsc-tools' smartcard_list.txt (where installed) or PC/SC Part 3 give it.",
  },
  watch: {
    synopsis: "watch [--json]",
    about: "Readers and cards coming and going, with time stamps, until Ctrl-C.\n" +
      "With --json, one object per line.",
  },
  atr: {
    synopsis: "atr [HEX...] [--reader NAME|INDEX] [--json]",
    about: "An ATR explained: TS, T0, every interface byte, the protocols, the historical\n" +
      "bytes decoded (ISO 7816-4 8.1.1), TCK and whether it checks, and the card's names\n" +
      "(pcsc-tools' smartcard_list.txt, PC/SC Part 3). The ATR given as hex, or else the card's.",
  },
  send: {
    synopsis: "send APDU... [--reader NAME|INDEX] [--t0] [--raw] [--json]",
    about: "Sends each APDU (hex) to the card; prints the response, the status word and\n" +
      "its meaning (ISO 7816-4). --t0: answer 61xx and 6Cxx (GET RESPONSE, Le).\n" +
      "Every APDU is checked (ISO 7816-4 cases 1-4: Lc agrees with the data) before the\n" +
      "first is sent; one that is not refuses the whole line (exit 2). --raw sends bytes\n" +
      "no ISO case fits, for cards that need that.",
  },
  nfc: {
    synopsis:
      "nfc uid|read|write|lock [--url URL | --text TEXT | --json FILE] [--yes] [--reader NAME|INDEX] [--json]",
    about: "NFC tags (NFC Forum Type 2 and Type 4) on a contactless reader:\n" +
      "  nfc uid     the tag's UID\n" +
      "  nfc read    its NDEF records, in words (--json: as objects)\n" +
      "  nfc write   --url URL, --text TEXT, or --json FILE: an NDEFMessageInit in JSON, each\n" +
      "              record's data a string, an array of bytes, or { records: [...] }\n" +
      "  nfc lock    makes the tag read-only for ever; asks first unless --yes (without a\n" +
      "              terminal, --yes is required)",
  },
  script: {
    synopsis: "script FILE [--reader NAME|INDEX] [--t0] [--raw] [--json]",
    about: "Sends the APDUs of FILE, one a line, as scriptor does. '#' starts a comment.\n" +
      "'APDU = EXPECTED' checks the answer: a status word alone (90 00), or the whole\n" +
      "response and status word, where '..' stands for any one byte. Every APDU is\n" +
      "checked before the first is sent, as with send; --raw as with send.",
  },
};

const PROGRAM = "deno run -A jsr:@pcsc/smartcard/cli";

/** The help of `command`, or of the utility. */
export function helpText(command?: string): string {
  const entry = command === undefined ? undefined : COMMANDS[command];
  if (entry) return `usage: ${PROGRAM} ${entry.synopsis}\n\n${entry.about}\n`;
  const lines = Object.values(COMMANDS).map((c) => `  ${c.synopsis}`);
  return [
    `usage: ${PROGRAM} <command> [options]`,
    "",
    "commands:",
    ...lines,
    "",
    "options: --reader NAME|INDEX, --json, --t0 and --raw (send, script), --url/--text/--yes (nfc),",
    "  --help",
    "exit codes: 0 ok, 1 failure, 2 usage",
    "",
  ].join("\n");
}

/** Reads the command line; throws a {@link UsageError} for one that does not make sense. */
export function parseArgs(argv: readonly string[]): Invocation {
  const args: string[] = [];
  let reader: string | undefined;
  let json = false;
  let t0 = false;
  let raw = false;
  let help = false;
  let yes = false;
  const nfcMessage: { url?: string; text?: string; file?: string } = {};
  const value = (i: number, option: string) => {
    if (argv[i] === undefined) throw new UsageError(`${option} needs a value`, "nfc");
    return argv[i];
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const nfcWrite = args[0] === "nfc" && args[1] === "write";
    if (arg === "--help" || arg === "-h") help = true;
    else if (arg === "--url") nfcMessage.url = value(++i, arg);
    else if (arg === "--text") nfcMessage.text = value(++i, arg);
    else if (arg === "--yes") yes = true;
    // `nfc write --json FILE`: the message from FILE, where --json otherwise asks for JSON output
    else if (
      arg === "--json" && nfcWrite && argv[i + 1] !== undefined && !argv[i + 1].startsWith("--")
    ) {
      nfcMessage.file = argv[++i];
    } else if (arg === "--json") json = true;
    else if (arg === "--t0") t0 = true;
    else if (arg === "--raw") raw = true;
    else if (arg === "--reader" || arg.startsWith("--reader=")) {
      reader = arg === "--reader" ? argv[++i] : arg.slice("--reader=".length);
      if (!reader) throw new UsageError("--reader needs a reader name or index");
    } else if (arg.startsWith("--")) throw new UsageError(`unknown option ${arg}`);
    else args.push(arg);
  }
  const command = args.shift() ?? "";
  if (command === "" && help) return { command: "help", args, json, t0, raw, help };
  if (command === "help") return { command, args, json, t0, raw, help: true };
  if (!(command in COMMANDS)) {
    throw new UsageError(command ? `unknown command ${command}` : "no command given");
  }
  if (t0 && command !== "send" && command !== "script") {
    throw new UsageError("--t0 is for send and script", command);
  }
  if (raw && command !== "send" && command !== "script") {
    throw new UsageError("--raw is for send and script", command);
  }
  if (Object.keys(nfcMessage).length > 0 && !(command === "nfc" && args[0] === "write")) {
    throw new UsageError("--url, --text and --json FILE are for nfc write", command);
  }
  if (yes && !(command === "nfc" && args[0] === "lock")) {
    throw new UsageError("--yes is for nfc lock", command);
  }
  return { command, args, reader, json, t0, raw, help, nfcMessage, yes };
}
