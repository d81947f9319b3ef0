/**
 * The card utility's `nfc` command: a tag's UID, its NDEF records read and written, the tag
 * locked, through `./nfc` and `./contactless`.
 *
 * @module
 */

import type { CardConnection } from "../../mod.ts";
import { getUid } from "../contactless/mod.ts";
import {
  makeNdefReadOnly,
  type NDEFMessageInit,
  NDEFRecord,
  ndefTagTypeOf,
  readNdef,
  readNdefContent,
  writeNdef,
} from "../nfc/mod.ts";
import { isContactlessAtr } from "../nfc/ndef_tag.ts";
import { openConnection } from "./connection.ts";
import { type Invocation, UsageError } from "./options.ts";
import { hex, type Output } from "./output.ts";

const SUBCOMMANDS = ["uid", "read", "write", "lock"];

/** `nfc uid|read|write|lock`. */
export async function nfc(call: Invocation, out: Output): Promise<number> {
  const [sub, ...rest] = call.args;
  if (!SUBCOMMANDS.includes(sub)) {
    throw new UsageError(
      sub ? `unknown nfc command ${sub}` : "nfc needs uid, read, write or lock",
      "nfc",
    );
  }
  if (rest.length > 0) throw new UsageError(`unexpected ${rest.join(" ")}`, "nfc");
  const message = sub === "write" ? await messageToWrite(call) : undefined;
  if (sub === "lock" && !call.yes && !Deno.stdin.isTerminal()) {
    throw new UsageError(
      "nfc lock makes the tag read-only for ever: pass --yes when not on a terminal",
      "nfc",
    );
  }
  using connection = await openConnection(call.reader, false);
  const atr = await connection.readATR();
  if (!isContactlessAtr(atr)) {
    throw new Error(
      `the card in ${connection.getReader().name} is not a contactless card (ATR ${hex(atr)})`,
    );
  }
  try {
    switch (sub) {
      case "uid":
        return await uid(connection, out);
      case "read":
        return await read(connection, out);
      case "write":
        await writeNdef(connection, message!);
        out.object({ written: true });
        out.line(out.good("written"));
        return 0;
      default:
        return await lock(connection, call, out);
    }
  } catch (error) {
    if (error instanceof DOMException) throw new Error(`${error.name}: ${error.message}`);
    throw error;
  }
}

async function uid(connection: CardConnection, out: Output): Promise<number> {
  const bytes = await getUid(connection);
  const serialNumber = bytes.map((b) => b.toString(16).padStart(2, "0")).join(":");
  out.object({
    reader: connection.getReader().name,
    uid: hex(bytes),
    serialNumber,
    type: ndefTagTypeOf(await connection.readATR()),
  });
  out.line(hex(bytes));
  return 0;
}

async function read(connection: CardConnection, out: Output): Promise<number> {
  const content = await readNdefContent(connection);
  const message = await readNdef(connection);
  out.object({
    type: content.type,
    capacity: content.capacity,
    writable: content.writable,
    records: message.records.map(recordJson),
  });
  out.line(
    `${
      content.type === "type2" ? "Type 2" : "Type 4"
    } tag, ${content.bytes.length} of ${content.capacity} bytes${
      content.writable ? "" : ", read-only"
    }`,
  );
  if (message.records.length === 0) out.line("no records");
  for (const line of message.records.flatMap((r) => describe(r, ""))) out.line(line);
  return 0;
}

async function lock(connection: CardConnection, call: Invocation, out: Output): Promise<number> {
  if (!call.yes) {
    const answer = prompt(
      `Make the tag in ${connection.getReader().name} read-only for ever? Type "yes":`,
    );
    if (answer?.trim().toLowerCase() !== "yes") {
      out.line("not locked");
      return 1;
    }
  }
  await makeNdefReadOnly(connection);
  out.object({ locked: true });
  out.line(out.good("the tag is read-only now"));
  return 0;
}

function bytesOf(record: NDEFRecord): Uint8Array {
  return record.data === null ? new Uint8Array() : new Uint8Array(record.data.buffer);
}

function textOf(record: NDEFRecord): string {
  return new TextDecoder(record.encoding ?? "utf-8").decode(bytesOf(record));
}

/** A record in words, nested records indented. */
function describe(record: NDEFRecord, indent: string): string[] {
  const id = record.id === null ? "" : ` id ${JSON.stringify(record.id)}`;
  const size = `${bytesOf(record).length} bytes`;
  let line: string;
  switch (record.recordType) {
    case "empty":
      line = "empty";
      break;
    case "text":
      line = `text (${record.lang}, ${record.encoding}): ${JSON.stringify(textOf(record))}`;
      break;
    case "url":
    case "absolute-url":
      line = `${record.recordType}: ${textOf(record)}`;
      break;
    case "mime":
      line = `mime ${record.mediaType}: ${size}`;
      break;
    default:
      line = `${record.recordType}: ${size}`;
  }
  const lines = [`${indent}${line}${id}`];
  if (record.recordType === "smart-poster" || record.recordType.includes(":")) {
    try {
      for (const inner of record.toRecords() ?? []) lines.push(...describe(inner, `${indent}  `));
    } catch (error) {
      lines.push(`${indent}  (nested records not readable: ${(error as Error).message})`);
    }
  }
  return lines;
}

function recordJson(record: NDEFRecord): Record<string, unknown> {
  const json: Record<string, unknown> = {
    recordType: record.recordType,
    mediaType: record.mediaType,
    id: record.id,
    encoding: record.encoding,
    lang: record.lang,
    data: record.data === null ? null : hex([...bytesOf(record)]),
  };
  if (["text", "url", "absolute-url"].includes(record.recordType) && record.data !== null) {
    json.text = textOf(record);
  }
  return json;
}

async function messageToWrite(call: Invocation): Promise<string | NDEFMessageInit> {
  const given = call.nfcMessage ?? {};
  const kinds = Object.keys(given);
  if (kinds.length !== 1) {
    throw new UsageError("nfc write needs exactly one of --url, --text and --json FILE", "nfc");
  }
  let message: string | NDEFMessageInit;
  if (given.url !== undefined) message = { records: [{ recordType: "url", data: given.url }] };
  else if (given.text !== undefined) message = given.text;
  else {
    const file = given.file!;
    const text = await Deno.readTextFile(file).catch((error: Error) => {
      throw new UsageError(`cannot read ${file}: ${error.message}`, "nfc");
    });
    try {
      message = withBytes(JSON.parse(text)) as NDEFMessageInit;
    } catch (error) {
      throw new UsageError(`${file} is not JSON: ${(error as Error).message}`, "nfc");
    }
  }
  try {
    // checked now, as Web NFC would, before a reader is touched
    if (typeof message !== "string") { for (const r of message.records) new NDEFRecord(r); }
  } catch (error) {
    throw new UsageError(`the message: ${(error as Error).message}`, "nfc");
  }
  return message;
}

/** JSON's arrays of numbers as bytes, everywhere in the message. */
function withBytes(value: unknown): unknown {
  if (Array.isArray(value) && value.length > 0 && value.every((x) => typeof x === "number")) {
    return Uint8Array.from(value);
  }
  if (Array.isArray(value)) return value.map(withBytes);
  if (value !== null && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, withBytes(v)]));
  }
  return value;
}
