// Pure parts of the framework: card types, cards, services, errors, events, protocol values.
import assert from "node:assert/strict";
import {
  AnyCardType,
  ATRCardType,
  Card,
  CardConnection,
  CardConnectionEvent,
  CardConnectionException,
  CardRequest,
  CardRequestException,
  CardRequestTimeoutException,
  CardService,
  ConsoleCardConnectionObserver,
  InvalidATRMaskLengthException,
  NoCardException,
  PassThruCardService,
  Reader,
  SmartcardException,
} from "../../mod.ts";

const ATR = [0x3B, 0x02, 0x14, 0x50];

Deno.test("ATRCardType rejects a mask of another length", () => {
  assert.throws(() => new ATRCardType(ATR, [0xFF]), (e: unknown) => {
    assert.ok(e instanceof InvalidATRMaskLengthException);
    assert.ok(e instanceof SmartcardException);
    assert.equal(e.message, "Invalid ATR mask length: [255]");
    return true;
  });
});

Deno.test("ATRCardType matches equal ATRs, under a mask, and never another length", () => {
  assert.equal(new ATRCardType(ATR).matches(ATR), true);
  assert.equal(new ATRCardType(ATR).matches([0x3B, 0x02, 0x14, 0x51]), false);
  const masked = new ATRCardType([0x3B, 0x02, 0x14, 0x00], [0xFF, 0xFF, 0xFF, 0x00]);
  assert.equal(masked.matches([0x3B, 0x02, 0x14, 0x99]), true);
  assert.equal(masked.matches([0x3B, 0x02, 0x15, 0x99]), false);
  assert.equal(masked.matches([0x3B, 0x02, 0x14]), false);
  assert.equal(new AnyCardType().matches([]), true);
  assert.throws(() => new ATRCardType([0x3B, 300]), { name: "RangeError", message: /atr\[1\]/ });
});

Deno.test("Card compares by ATR and reader name, and renders as pyscard does", () => {
  const card = new Card("Reader A", ATR);
  assert.equal(card.toString(), "3B 02 14 50 / Reader A");
  assert.ok(card.equals(new Card(new Reader("Reader A"), new Uint8Array(ATR))));
  assert.ok(!card.equals(new Card("Reader B", ATR)));
  assert.ok(!card.equals(new Card("Reader A", [0x3B])));
  assert.throws(() => new Reader(""), /Invalid reader: ""/);
  assert.throws(() => new Reader("Reader A\0B"), /Invalid reader: "Reader A\\u0000B"/);
});

Deno.test("PassThruCardService supports every card; the base CardService none", () => {
  assert.equal(PassThruCardService.supports("anything"), true);
  assert.equal(CardService.supports("anything"), false);
});

Deno.test("SmartcardException renders the PC/SC reason and code, and keeps hresult", () => {
  const e = new CardConnectionException("Unable to connect", 0x8010000B);
  assert.equal(e.message, "Unable to connect: Sharing violation. (0x8010000B)");
  assert.equal(e.hresult, 0x8010000B);
  assert.equal(e.name, "CardConnectionException");
  assert.equal(new SmartcardException("plain").hresult, -1);
  assert.equal(new SmartcardException("plain").message, "plain");
  // a negative (signed 32-bit) code is normalised to unsigned
  assert.equal(new NoCardException("x", 0x8010000C | 0).hresult, 0x8010000C);
  const timeout = new CardRequestTimeoutException();
  assert.ok(timeout instanceof CardRequestException);
  assert.equal(timeout.message, "Time-out during card request");
});

Deno.test("protocol constants have pyscard's values on the class and on instances", () => {
  assert.equal(CardConnection.T0_protocol, 0x1);
  assert.equal(CardConnection.T1_protocol, 0x2);
  assert.equal(CardConnection.T15_protocol, 0x8);
  assert.equal(CardConnection.RAW_protocol, 0x10000);
});

Deno.test("CardConnectionEvent keeps its type and args", () => {
  const event = new CardConnectionEvent("response", [[], 0x90, 0x00]);
  assert.equal(event.type, "response");
  assert.deepEqual(event.args, [[], 0x90, 0x00]);
  assert.deepEqual(new CardConnectionEvent("connect").args, []);
});

Deno.test("ConsoleCardConnectionObserver prints pyscard's APDU trace", () => {
  const lines: string[] = [];
  const observer = new ConsoleCardConnectionObserver((line) => lines.push(line));
  const connection = { getReader: () => new Reader("Reader A") } as unknown as CardConnection;
  observer.update(connection, new CardConnectionEvent("connect"));
  observer.update(connection, new CardConnectionEvent("command", [[0x00, 0xA4, 0x04, 0x00], 2]));
  observer.update(connection, new CardConnectionEvent("response", [[], 0x90, 0x00]));
  observer.update(connection, new CardConnectionEvent("response", [[0x6F, 0x10], 0x61, 0x0A]));
  observer.update(connection, new CardConnectionEvent("disconnect"));
  assert.deepEqual(lines, [
    "connecting to Reader A",
    "> 00 A4 04 00",
    "<  [] 90 00",
    "< 6F 10 61 0A",
    "disconnecting from Reader A",
  ]);
});

Deno.test("CardRequest refuses bad options before contacting anything", () => {
  assert.throws(() => new CardRequest({ timeout: -1 }), { name: "RangeError", message: /timeout/ });
  assert.throws(() => new CardRequest({ timeout: NaN }), { name: "RangeError" });
  assert.throws(() => new CardRequest({ timeout: "1" as unknown as number }), RangeError);
  assert.throws(() => new CardRequest({ readers: "Reader A" as unknown as string[] }), TypeError);
  assert.throws(() => new CardRequest({ readers: [42 as unknown as string] }), /readers\[0\]/);
  assert.throws(
    () => new CardRequest({ cardType: {} as unknown as AnyCardType }),
    /cardType must be a CardType/,
  );
  assert.throws(
    () => new CardRequest({ cardServiceClass: class {} as unknown as typeof CardService }),
    /cardServiceClass/,
  );
  assert.throws(
    () => new CardRequest({ signal: {} as AbortSignal }),
    /signal must be an AbortSignal/,
  );
});
