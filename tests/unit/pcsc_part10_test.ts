// PC/SC v2 Part 10 on byte fixtures: answers in the encodings readers give (features in
// libccid's control-code scheme, SCARD_CTL_CODE(0x330000 + tag); TLV properties as libccid
// reports a Gemalto GemPC Pinpad, 08E6:3478), and the PIN structures' exact bytes.
import assert from "node:assert/strict";
import { CURRENT_ABI, LINUX_ABI, MACOS_ABI, WINDOWS_ABI } from "../../src/ffi/abi.ts";
import {
  CM_IOCTL_GET_FEATURE_REQUEST,
  hasFeature,
  parseFeatureRequest,
  parsePinProperties,
  parseTlvProperties,
  pinModifyStructure,
  pinVerifyStructure,
} from "../../mod.ts";

// FEATURE_VERIFY_PIN_DIRECT, FEATURE_MODIFY_PIN_DIRECT, FEATURE_IFD_PIN_PROPERTIES,
// FEATURE_GET_TLV_PROPERTIES, and a tag 0x7F no one has named
// deno-fmt-ignore
const FEATURE_ANSWER = [
  0x06, 0x04, 0x42, 0x33, 0x00, 0x06,
  0x07, 0x04, 0x42, 0x33, 0x00, 0x07,
  0x0A, 0x04, 0x42, 0x33, 0x00, 0x0A,
  0x12, 0x04, 0x42, 0x33, 0x00, 0x12,
  0x7F, 0x04, 0x42, 0x33, 0x00, 0x7F,
];

// wLcdLayout 0, bEntryValidationCondition 2, bTimeOut2 0, bMinPINSize 4, bMaxPINSize 8,
// sFirmwareID "GemTwPAD_V1.01", wIdVendor 08E6, wIdProduct 3478, dwMaxAPDUDataSize 261,
// and a tag 0x42 no one has named
// deno-fmt-ignore
const TLV_ANSWER = [
  0x01, 0x02, 0x00, 0x00,
  0x02, 0x01, 0x02,
  0x03, 0x01, 0x00,
  0x06, 0x01, 0x04,
  0x07, 0x01, 0x08,
  0x08, 0x0E, ...[..."GemTwPAD_V1.01"].map((c) => c.charCodeAt(0)),
  0x0B, 0x02, 0xE6, 0x08,
  0x0C, 0x02, 0x78, 0x34,
  0x0A, 0x04, 0x05, 0x01, 0x00, 0x00,
  0x42, 0x03, 0x01, 0x02, 0x03,
];

Deno.test("CM_IOCTL_GET_FEATURE_REQUEST is each platform's SCARD_CTL_CODE(3400)", () => {
  assert.equal(LINUX_ABI.ctlCode(3400), 0x42000D48);
  assert.equal(MACOS_ABI.ctlCode(3400), 0x42000D48);
  assert.equal(WINDOWS_ABI.ctlCode(3400), 0x00313520);
  // this platform's, from its ABI description
  assert.equal(CM_IOCTL_GET_FEATURE_REQUEST, CURRENT_ABI.ctlCode(3400));
});

Deno.test("the feature list: names and big-endian control codes, unknown tags kept", () => {
  const features = parseFeatureRequest(FEATURE_ANSWER);
  assert.deepEqual(features, [
    ["FEATURE_VERIFY_PIN_DIRECT", 0x42330006],
    ["FEATURE_MODIFY_PIN_DIRECT", 0x42330007],
    ["FEATURE_IFD_PIN_PROPERTIES", 0x4233000A],
    ["FEATURE_GET_TLV_PROPERTIES", 0x42330012],
    ["FEATURE_0x7F", 0x4233007F],
  ]);
  assert.equal(hasFeature(features, "FEATURE_VERIFY_PIN_DIRECT"), 0x42330006);
  assert.equal(hasFeature(features, 0x12), 0x42330012);
  assert.equal(hasFeature(features, "FEATURE_ABORT"), null);
  assert.deepEqual(parseFeatureRequest([]), []);
  assert.throws(() => parseFeatureRequest([0x06, 0x03, 0x42, 0x33, 0x00, 0x06]), RangeError);
});

Deno.test("TLV properties: little-endian values, the firmware ID a string, unknown tags kept", () => {
  const properties = parseTlvProperties(TLV_ANSWER);
  assert.deepEqual(properties.raw, TLV_ANSWER);
  assert.equal(properties.wLcdLayout, 0);
  assert.equal(properties.bEntryValidationCondition, 2);
  assert.equal(properties.bMinPINSize, 4);
  assert.equal(properties.bMaxPINSize, 8);
  assert.equal(properties.sFirmwareID, "GemTwPAD_V1.01");
  assert.equal(properties.wIdVendor, 0x08E6);
  assert.equal(properties.wIdProduct, 0x3478);
  assert.equal(properties.dwMaxAPDUDataSize, 261);
  assert.deepEqual(properties.unknown, { 0x42: [1, 2, 3] });
  assert.throws(() => parseTlvProperties([0x01, 0x02, 0x00]), RangeError);
});

Deno.test("PIN properties as pyscard names them", () => {
  assert.deepEqual(parsePinProperties([0x02, 0x10, 0x07, 0x00]), {
    raw: [0x02, 0x10, 0x07, 0x00],
    LcdLayoutX: 0x02,
    LcdLayoutY: 0x10,
    EntryValidationCondition: 0x07,
    TimeOut2: 0x00,
  });
});

Deno.test("PIN_VERIFY_STRUCTURE: a 19-byte header, little-endian fields, then the APDU", () => {
  // VERIFY for a 4..8-digit ASCII PIN padded with FF (as OpenSC sends it)
  const apdu = [0x00, 0x20, 0x00, 0x01, 0x08, ...new Array(8).fill(0xFF)];
  const bytes = pinVerifyStructure({
    timeOut: 30,
    formatString: 0x82,
    pinBlockString: 0x08,
    pinLengthFormat: 0x00,
    minPinLength: 4,
    maxPinLength: 8,
    entryValidationCondition: 0x02,
  }, apdu);
  // deno-fmt-ignore
  assert.deepEqual(bytes.slice(0, 19), [
    30, 0, 0x82, 0x08, 0x00, 0x08, 0x04, 0x02, 0x01, 0x09, 0x04, 0x00, 0, 0, 0, 13, 0, 0, 0,
  ]);
  assert.deepEqual(bytes.slice(19), apdu);
  assert.throws(() => pinVerifyStructure({ ...{ formatString: 256 } } as never, apdu), RangeError);
});

Deno.test("PIN_MODIFY_STRUCTURE: a 24-byte header with offsets, confirmation and three messages", () => {
  const apdu = [0x00, 0x24, 0x00, 0x01, 0x10, ...new Array(16).fill(0xFF)];
  const bytes = pinModifyStructure({
    formatString: 0x82,
    pinBlockString: 0x08,
    pinLengthFormat: 0x00,
    insertionOffsetOld: 0,
    insertionOffsetNew: 8,
    minPinLength: 4,
    maxPinLength: 8,
    confirmPin: 0x03,
    entryValidationCondition: 0x02,
  }, apdu);
  // deno-fmt-ignore
  assert.deepEqual(bytes.slice(0, 24), [
    0, 0, 0x82, 0x08, 0x00, 0, 8, 0x08, 0x04, 0x03, 0x02, 0x02, 0x09, 0x04, 0, 1, 2, 0, 0, 0,
    21, 0, 0, 0,
  ]);
  assert.deepEqual(bytes.slice(24), apdu);
});
