// pyscard 2.3's test/test_Exceptions.py, test/test_PCSCExceptions.py and
// test/test_SCardGetErrorMessage.py, ported. The texts are pcsc-lite's on every platform
// here (pyscard shows Windows' own, localised texts on Windows), so the expectations are
// pyscard's non-Windows ones. Keyword arguments become positional ones; str(e) is e.message
// and what console.log(e) prints.
import assert from "node:assert/strict";
import {
  AddReaderToGroupException,
  BaseSCardException,
  CardConnectionException,
  CardRequestTimeoutException,
  CardServiceNotFoundException,
  CardServiceStoppedException,
  EstablishContextException,
  IntroduceReaderException,
  InvalidATRMaskLengthException,
  InvalidReaderException,
  ListReadersException,
  NoCardException,
  NoReadersException,
  ReleaseContextException,
  RemoveReaderFromGroupException,
  SmartcardException,
  SWException,
} from "../../../mod.ts";

// pyscard's smartcard.scard return codes the tests name
const SCARD_S_SUCCESS = 0x00000000;
const SCARD_F_INTERNAL_ERROR = 0x80100001;
const SCARD_E_INVALID_HANDLE = 0x80100003;
const SCARD_E_UNKNOWN_READER = 0x80100009;
const SCARD_E_NOT_TRANSACTED = 0x80100016;
const SCARD_E_DUPLICATE_READER = 0x8010001B;
const SCARD_E_NO_SERVICE = 0x8010001D;
const SCARD_W_REMOVED_CARD = 0x80100069;

/** What pyscard's str(exc) gives, as console.log prints it here. */
function str(error: Error): string {
  assert.equal(Deno.inspect(error), error.message);
  return error.message;
}

/** SCardGetErrorMessage(code): the reason an exception renders, without " (0x...)". */
function errorMessage(code: number): string {
  return new SmartcardException("", code).message.replace(/ \(0x[0-9A-F]{8}\)$/, "");
}

Deno.test("pyscard test_hresult_value", () => {
  assert.equal(new SmartcardException().hresult, -1);
});

Deno.test("pyscard test_list_readers_exception (Exceptions and PCSCExceptions)", () => {
  let exc = new ListReadersException(0);
  assert.equal(exc.hresult, 0);
  assert.equal(str(exc), "Failed to list readers: Command successful. (0x00000000)");
  exc = new ListReadersException(0x42);
  assert.equal(exc.hresult, 0x42);
  assert.equal(str(exc), "Failed to list readers: Unknown error: 0x00000042 (0x00000042)");
  assert.equal(new ListReadersException(SCARD_S_SUCCESS).hresult, 0);
  exc = new ListReadersException(SCARD_E_NO_SERVICE);
  assert.equal(exc.hresult, SCARD_E_NO_SERVICE);
  assert.equal(str(exc), "Failed to list readers: Service not available. (0x8010001D)");
  exc = new ListReadersException(SCARD_E_NOT_TRANSACTED);
  assert.equal(str(exc), "Failed to list readers: Transaction failed. (0x80100016)");
  // smartcard.Exceptions' ListReadersException(-1) has no code to render
  assert.equal(str(new ListReadersException(-1)), "Failed to list readers");
});

Deno.test("pyscard test_no_readers_exception", () => {
  const exc = new NoReadersException();
  assert.equal(exc.hresult, -1);
  assert.equal(str(exc), "No reader found");
});

Deno.test("pyscard test_invalid_reader_exception", () => {
  const exc = new InvalidReaderException("foobar");
  assert.equal(exc.hresult, -1);
  assert.equal(str(exc), "Invalid reader: foobar");
});

Deno.test("pyscard test_card_connection_exception", () => {
  let exc = new CardConnectionException();
  assert.equal(exc.hresult, -1);
  assert.equal(str(exc), "");
  const expected = "Card was removed. (0x80100069)";
  exc = new CardConnectionException("", SCARD_W_REMOVED_CARD);
  assert.equal(exc.hresult, SCARD_W_REMOVED_CARD);
  assert.equal(str(exc), expected);
  exc = new CardConnectionException("foo", SCARD_W_REMOVED_CARD);
  assert.equal(exc.hresult, SCARD_W_REMOVED_CARD);
  assert.equal(str(exc), "foo: " + expected);
});

Deno.test("pyscard test_card_request_timeout_exception", () => {
  assert.equal(str(new CardRequestTimeoutException()), "Time-out during card request");
  assert.equal(
    str(new CardRequestTimeoutException(SCARD_E_NOT_TRANSACTED)),
    "Time-out during card request: Transaction failed. (0x80100016)",
  );
});

Deno.test("pyscard test_invalid_atr_mask_length_exception", () => {
  assert.equal(
    str(new InvalidATRMaskLengthException("3B 00")),
    "Invalid ATR mask length: 3B 00",
  );
});

Deno.test("pyscard test_no_card_exception", () => {
  assert.equal(str(new NoCardException("foo bar", -1)), "foo bar");
  assert.equal(
    str(new NoCardException("foo bar", SCARD_E_NOT_TRANSACTED)),
    "foo bar: Transaction failed. (0x80100016)",
  );
});

Deno.test("pyscard test_establish_context_exception", () => {
  const exc = new EstablishContextException(SCARD_E_NO_SERVICE);
  assert.equal(exc.hresult, SCARD_E_NO_SERVICE);
  assert.equal(str(exc), "Failed to establish context: Service not available. (0x8010001D)");
});

Deno.test("pyscard test_introduce_reader_exception", () => {
  const exc = new IntroduceReaderException(SCARD_E_DUPLICATE_READER, "foobar");
  assert.equal(exc.hresult, SCARD_E_DUPLICATE_READER);
  assert.equal(
    str(exc),
    "Failed to introduce a new reader: foobar: Reader already exists. (0x8010001B)",
  );
});

Deno.test("pyscard test_remove_reader_from_group_exception", () => {
  const exc = new RemoveReaderFromGroupException(
    SCARD_E_INVALID_HANDLE,
    "readername",
    "readergroup",
  );
  assert.equal(exc.hresult, SCARD_E_INVALID_HANDLE);
  assert.equal(
    str(exc),
    "Failed to remove reader: readername from group: readergroup: Invalid handle. (0x80100003)",
  );
});

Deno.test("pyscard test_add_reader_to_group_exception", () => {
  const exc = new AddReaderToGroupException(SCARD_E_INVALID_HANDLE, "reader", "group");
  assert.equal(exc.hresult, SCARD_E_INVALID_HANDLE);
  assert.equal(
    str(exc),
    "Failed to add reader: reader to group: group: Invalid handle. (0x80100003)",
  );
});

Deno.test("pyscard test_release_context_exception", () => {
  const exc = new ReleaseContextException(SCARD_E_INVALID_HANDLE);
  assert.equal(exc.hresult, SCARD_E_INVALID_HANDLE);
  assert.equal(str(exc), "Failed to release context: Invalid handle. (0x80100003)");
});

Deno.test("pyscard test_base_scard_exception", () => {
  let exc = new BaseSCardException(SCARD_E_UNKNOWN_READER);
  assert.equal(exc.hresult, SCARD_E_UNKNOWN_READER);
  assert.equal(str(exc), "scard exception: Unknown reader specified. (0x80100009)");
  exc = new BaseSCardException(-1);
  assert.equal(exc.hresult, -1);
  assert.equal(str(exc), "scard exception");
  exc = new BaseSCardException(-1, "foo bar");
  assert.equal(str(exc), "foo bar");
  exc = new BaseSCardException(SCARD_E_NOT_TRANSACTED, "foo");
  assert.equal(exc.hresult, SCARD_E_NOT_TRANSACTED);
  assert.equal(str(exc), "foo: Transaction failed. (0x80100016)");
});

Deno.test("pyscard's PC/SC exceptions are BaseSCardExceptions (and here SmartcardExceptions)", () => {
  for (
    const exc of [
      new EstablishContextException(1),
      new ListReadersException(1),
      new ReleaseContextException(1),
      new IntroduceReaderException(1, "r"),
      new AddReaderToGroupException(1, "r", "g"),
      new RemoveReaderFromGroupException(1, "r", "g"),
    ]
  ) {
    assert.ok(exc instanceof BaseSCardException, exc.name);
    assert.ok(exc instanceof SmartcardException, exc.name);
    assert.equal(exc.name, exc.constructor.name);
  }
  assert.ok(new CardServiceStoppedException() instanceof SmartcardException);
  assert.ok(!(new CardServiceNotFoundException() instanceof BaseSCardException));
});

Deno.test("pyscard test_scard_get_error_message: known codes and an unknown one", () => {
  assert.equal(errorMessage(SCARD_S_SUCCESS), "Command successful.");
  assert.equal(errorMessage(SCARD_F_INTERNAL_ERROR), "Internal error.");
  assert.equal(errorMessage(1), "Unknown error: 0x00000001");
  assert.equal(new SmartcardException("", 1).message, "Unknown error: 0x00000001 (0x00000001)");
});

Deno.test("print(SWException) gives pyscard's str(): the repr of its message", () => {
  const exc = new SWException([], 0x6A, 0x82, "checking error - File not found");
  assert.equal(exc.message, "Status word exception: checking error - File not found!");
  assert.equal(Deno.inspect(exc), "'Status word exception: checking error - File not found!'");
  assert.equal(
    Deno.inspect(new SWException([], 0x6A, 0x82, "it's")),
    `"Status word exception: it's!"`,
  );
});
