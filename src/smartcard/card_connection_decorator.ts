/**
 * pyscard's `CardConnectionDecorator`: a connection that wraps another and forwards to it.
 *
 * @module
 */

import type { Bytes } from "./bytes.ts";
import { CardConnection } from "./card_connection.ts";
import type { CardConnectionObserver } from "./card_connection_observer.ts";
import type { Reader } from "./reader.ts";
import type { ErrorCheckingChain } from "./sw/error_checking_chain.ts";
import type { SWExceptionClass } from "./sw/sw_exceptions.ts";

/**
 * Forwards everything to `component`: observers, error checking and state live there, so a
 * decorator changes only what it overrides. Subclass it to add behaviour to a connection.
 *
 * @example
 * ```ts
 * import { CardConnectionDecorator, readers } from "@pcsc/smartcard";
 * class Logged extends CardConnectionDecorator {
 *   override async transmit(command: number[], protocol?: number) {
 *     console.log("sending", command);
 *     return await super.transmit(command, protocol);
 *   }
 * }
 * using connection = new Logged(readers()[0].createConnection());
 * ```
 */
export class CardConnectionDecorator extends CardConnection {
  /** The connection this one wraps. */
  readonly component: CardConnection;

  /**
   * Creates a `CardConnectionDecorator`.
   * @param component the connection to wrap
   */
  constructor(component: CardConnection) {
    super(component.getReader());
    this.component = component;
  }

  /** Calls are checked by the component. */
  protected assertUsable(_what: string, _needsCard: boolean, _blocking: boolean): void {}
  /** Forwards to the component. */
  protected doConnect(protocol?: number, mode?: number, disposition?: number): Promise<void> {
    return this.component.connect(protocol, mode, disposition);
  }
  /** Forwards to the component. */
  protected doConnectSync(protocol?: number, mode?: number, disposition?: number): void {
    this.component.connectSync(protocol, mode, disposition);
  }
  /** Forwards to the component. */
  protected doReconnect(protocol?: number, mode?: number, disposition?: number): Promise<void> {
    return this.component.reconnect(protocol, mode, disposition);
  }
  /** Forwards to the component. */
  protected doReconnectSync(protocol?: number, mode?: number, disposition?: number): void {
    this.component.reconnectSync(protocol, mode, disposition);
  }
  /** Forwards to the component. */
  protected doDisconnect(): void {
    this.component.disconnect();
  }
  /** Forwards to the component. */
  protected doRelease(): void {
    this.component.release();
  }
  /** Forwards to the component (its observers and error checking run there). */
  protected doTransmit(command: Bytes, protocol?: number): Promise<number[]> {
    return this.component.transmit(command, protocol).then(([d, sw1, sw2]) => [...d, sw1, sw2]);
  }
  /** Forwards to the component. */
  protected doTransmitSync(command: Bytes, protocol?: number): number[] {
    const [d, sw1, sw2] = this.component.transmitSync(command, protocol);
    return [...d, sw1, sw2];
  }
  /** Forwards to the component. */
  protected doControl(controlCode: number, command: Bytes): Promise<number[]> {
    return this.component.control(controlCode, command);
  }
  /** Forwards to the component. */
  protected doControlSync(controlCode: number, command: Bytes): number[] {
    return this.component.controlSync(controlCode, command);
  }
  /** Forwards to the component. */
  protected doGetAttrib(attribId: number): Promise<number[]> {
    return this.component.getAttrib(attribId);
  }
  /** Forwards to the component. */
  protected doGetAttribSync(attribId: number): number[] {
    return this.component.getAttribSync(attribId);
  }

  /** The component's ATR. */
  getATR(): number[] {
    return this.component.getATR();
  }
  /** The component's protocol. */
  override getProtocol(): number {
    return this.component.getProtocol();
  }
  /** Sets the component's protocol. */
  override setProtocol(protocol: number): void {
    this.component.setProtocol(protocol);
  }
  /** The component's reader. */
  override getReader(): Reader {
    return this.component.getReader();
  }
  /** Sets the component's chain. */
  override setErrorCheckingChain(chain: ErrorCheckingChain[]): void {
    this.component.setErrorCheckingChain(chain);
  }
  /** Filters on the component's chain. */
  override addSWExceptionToFilter(exClass: SWExceptionClass): void {
    this.component.addSWExceptionToFilter(exClass);
  }
  /** Observes the component. */
  override addObserver(observer: CardConnectionObserver): void {
    this.component.addObserver(observer);
  }
  /** Stops observing the component. */
  override deleteObserver(observer: CardConnectionObserver): void {
    this.component.deleteObserver(observer);
  }
  /** Releases the component once its pending calls are done. */
  override [Symbol.asyncDispose](): Promise<void> {
    return this.component[Symbol.asyncDispose]();
  }
}
