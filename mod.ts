/**
 * pyscard's card-connection framework for Deno, over the system's PC/SC service
 * (pcsc-lite on Linux, PCSC.framework on macOS, winscard.dll on Windows) through `Deno.dlopen`.
 *
 * Needs `--allow-ffi`. `--allow-env=PCSC_LIBRARY` is optional, to honour `PCSC_LIBRARY`
 * (another PC/SC library). `PCSCLITE_CSOCK_NAME` (another pcscd socket) needs no permission:
 * libpcsclite reads it itself.
 *
 * @example
 * ```ts
 * import { AnyCardType, CardRequest, toHexString } from "@pcsc/smartcard";
 *
 * using request = new CardRequest({ timeout: 10, cardType: new AnyCardType() });
 * using service = await request.waitforcard();
 * const connection = service.connection;
 * await connection.connect();
 * console.log("ATR", toHexString(connection.getATR()));
 * const [data, sw1, sw2] = await connection.transmit([0x00, 0x84, 0x00, 0x00, 0x08]);
 * ```
 *
 * @module
 */

export { readergroups, readers } from "./src/smartcard/readers/system.ts";
export { Reader } from "./src/smartcard/readers/reader.ts";
export { Card } from "./src/smartcard/readers/card.ts";
export {
  CardConnection,
  type OpenArguments,
  type TransmitResult,
} from "./src/smartcard/connection/card_connection.ts";
export type { SyncOrAsync } from "./src/pcsc/card_handle.ts";
export type { T0ResponseHandling } from "./src/smartcard/connection/t0_response.ts";
export {
  CM_IOCTL_GET_FEATURE_REQUEST,
  type Feature,
  FEATURES,
  getFeatureRequest,
  getPinProperties,
  getTlvProperties,
  hasFeature,
  parseFeatureRequest,
  parsePinProperties,
  parseTlvProperties,
  type PinModifyOptions,
  pinModifyStructure,
  type PinProperties,
  type PinVerifyOptions,
  pinVerifyStructure,
  type TlvProperties,
} from "./src/smartcard/part10/pcsc_part10.ts";
export { PCSCCardConnection } from "./src/smartcard/connection/pcsc_card_connection.ts";
export {
  CardConnectionEvent,
  type CardConnectionEventType,
} from "./src/smartcard/connection/card_connection_event.ts";
export {
  CardConnectionObserver,
  ConsoleCardConnectionObserver,
} from "./src/smartcard/connection/card_connection_observer.ts";
export { Observable, Observer, type ObserverLike } from "./src/smartcard/observer.ts";
export { AnyCardType, ATRCardType, CardType } from "./src/smartcard/waiting/card_type.ts";
export {
  CardService,
  type CardServiceClass,
  PassThruCardService,
} from "./src/smartcard/waiting/card_service.ts";
export { CardRequest, type CardRequestOptions } from "./src/smartcard/waiting/card_request.ts";
export {
  CardMonitor,
  CardObserver,
  type CardUpdate,
} from "./src/smartcard/monitoring/card_monitor.ts";
export {
  ReaderMonitor,
  ReaderObserver,
  type ReaderUpdate,
} from "./src/smartcard/monitoring/reader_monitor.ts";
export { Monitor, type MonitorObserver } from "./src/smartcard/monitoring/monitor.ts";
export {
  type CardEvent,
  type ReaderEvent,
  type ServiceEvent,
  watchCards,
  type WatchCardsOptions,
  watchReaders,
  type WatchReadersOptions,
} from "./src/smartcard/monitoring/watch.ts";
export type { Bytes } from "./src/smartcard/bytes.ts";
export {
  CardConnectionException,
  CardRequestException,
  CardRequestTimeoutException,
  CardServiceException,
  CardServiceNotFoundException,
  CardServiceStoppedException,
  InvalidATRMaskLengthException,
  InvalidReaderException,
  NoCardException,
  NoReadersException,
  SmartcardException,
} from "./src/smartcard/errors/exceptions.ts";
export {
  AddReaderToGroupException,
  BaseSCardException,
  EstablishContextException,
  IntroduceReaderException,
  ListReadersException,
  ReleaseContextException,
  RemoveReaderFromGroupException,
} from "./src/smartcard/errors/pcsc_exceptions.ts";
export {
  CheckingErrorException,
  ExecutionErrorException,
  SecurityRelatedException,
  SWException,
  type SWExceptionClass,
  WarningProcessingException,
} from "./src/smartcard/status_words/sw_exceptions.ts";
export type { ErrorChecker } from "./src/smartcard/status_words/error_checker.ts";
export { ErrorCheckingChain } from "./src/smartcard/status_words/error_checking_chain.ts";
export { ISO7816_4ErrorChecker } from "./src/smartcard/status_words/iso7816_4_error_checker.ts";
export { ISO7816_4_SW1ErrorChecker } from "./src/smartcard/status_words/iso7816_4_sw1_error_checker.ts";
export { ISO7816_8ErrorChecker } from "./src/smartcard/status_words/iso7816_8_error_checker.ts";
export { ISO7816_9ErrorChecker } from "./src/smartcard/status_words/iso7816_9_error_checker.ts";
export { op21_ErrorChecker } from "./src/smartcard/status_words/op21_error_checker.ts";
export { ATR, type RFU } from "./src/atr/atr.ts";
export {
  BinStringToHexList,
  bs2hl,
  COMMA,
  HEX,
  HexListToBinString,
  hl2bs,
  PACK,
  padd,
  toASCIIBytes,
  toASCIIString,
  toBytes,
  toGSM3_38Bytes,
  toHexString,
  UPPERCASE,
} from "./src/smartcard/util.ts";
export * from "./src/smartcard/scard_constants.ts";
export { PcscError, PcscLibraryError } from "./src/pcsc/pcsc_error.ts";
export {
  readerStates,
  type ReaderStatesOptions,
  type ReaderStatus,
} from "./src/pcsc/reader_states_now.ts";
export type { ReaderState } from "./src/pcsc/reader_state.ts";
export { CardConnectionDecorator } from "./src/smartcard/connection/card_connection_decorator.ts";
export { ExclusiveConnectCardConnection } from "./src/smartcard/connection/exclusive_connect_card_connection.ts";
export { ExclusiveTransmitCardConnection } from "./src/smartcard/connection/exclusive_transmit_card_connection.ts";
export {
  parseStorageCardAtr,
  PART3_CARD_NAMES,
  PART3_STANDARDS,
  part3CardName,
  part3StandardName,
  type Part3StorageCard,
  PCSC_RID,
} from "./src/atr/part3.ts";
export { CommandAPDU, type CommandAPDUFields } from "./src/apdu/command_apdu.ts";
export { ResponseAPDU } from "./src/apdu/response_apdu.ts";
export {
  chainCommands,
  type ChainingOptions,
  type ChainTransmitter,
  type ChainTransmitterSync,
  transmitChained,
  transmitChainedSync,
} from "./src/apdu/chaining.ts";
export { encodeTlv, findTlv, parseTlv, Tlv, type TlvInput } from "./src/tlv/ber_tlv.ts";
export {
  type CardCapabilities,
  type CompactTlvObject,
  decodeHistoricalBytes,
  explainHistoricalBytes,
  type HistoricalBytes,
  type StatusIndicator,
} from "./src/atr/historical_bytes.ts";
export {
  type AtrIdentification,
  type AtrListEntry,
  findSmartcardList,
  identifyAtr,
  type IdentifyAtrOptions,
  SMARTCARD_LIST_HINT,
  SmartcardList,
  smartcardListPaths,
} from "./src/atr/card_list.ts";
