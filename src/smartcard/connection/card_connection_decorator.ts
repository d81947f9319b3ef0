/**
 * pyscard's `CardConnectionDecorator`: a connection that wraps another and forwards to it.
 *
 * @module
 */

import { andThen, type SyncOrAsync } from "../../pcsc/card_handle.ts";
import type { Bytes } from "../bytes.ts";
import type { T0ResponseHandling } from "./t0_response.ts";
import { CardConnection, type OpenArguments } from "./card_connection.ts";
import type { CardConnectionObserver } from "./card_connection_observer.ts";
import type { Reader } from "../readers/reader.ts";
import type { ErrorCheckingChain } from "../status_words/error_checking_chain.ts";
import type { SWExceptionClass } from "../status_words/sw_exceptions.ts";

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

  /** Nothing: the component checks its own calls. */
  protected assertUsable(_what: string, _needsCard: boolean, _blocking: boolean): void {}

  /** Whether the component is connected. */
  get connected(): boolean {
    return this.component.connected;
  }

  /** The component's connect or connectSync. */
  protected doConnect(...[blocking, ...args]: OpenArguments): SyncOrAsync<void> {
    return blocking ? this.component.connectSync(...args) : this.component.connect(...args);
  }

  /** The component's reconnect or reconnectSync. */
  protected doReconnect(...[blocking, ...args]: OpenArguments): SyncOrAsync<void> {
    return blocking ? this.component.reconnectSync(...args) : this.component.reconnect(...args);
  }

  /** The component's disconnect. */
  protected doDisconnect(): void {
    this.component.disconnect();
  }

  /** The component's release. */
  protected doRelease(): void {
    this.component.release();
  }

  /** The component's transmit or transmitSync, its result joined back into one response. */
  protected doTransmit(
    blocking: boolean,
    command: Bytes,
    protocol?: number,
  ): SyncOrAsync<number[]> {
    const c = this.component;
    const result = blocking ? c.transmitSync(command, protocol) : c.transmit(command, protocol);
    return andThen(result, ([data, sw1, sw2]) => [...data, sw1, sw2]);
  }

  /** The component's control or controlSync. */
  protected doControl(
    blocking: boolean,
    controlCode: number,
    command: Bytes,
  ): SyncOrAsync<number[]> {
    const c = this.component;
    return blocking ? c.controlSync(controlCode, command) : c.control(controlCode, command);
  }

  /** The component's getAttrib or getAttribSync. */
  protected doGetAttrib(blocking: boolean, attribId: number): SyncOrAsync<number[]> {
    const c = this.component;
    return blocking ? c.getAttribSync(attribId) : c.getAttrib(attribId);
  }

  /** The component's ATR. */
  getATR(): number[] {
    return this.component.getATR();
  }
  /** The component's ATR, on the blocking pool. */
  override readATR(): Promise<number[]> {
    return this.component.readATR();
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
  /** Sets the component's T=0 response handling. */
  override setT0ResponseHandling(handling: boolean | Partial<T0ResponseHandling>): void {
    this.component.setT0ResponseHandling(handling);
  }
  /** The component's T=0 response handling. */
  override getT0ResponseHandling(): T0ResponseHandling | null {
    return this.component.getT0ResponseHandling();
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
  /** Stops every observer of the component. */
  override deleteObservers(): void {
    this.component.deleteObservers();
  }
  /** How many observers the component has. */
  override countObservers(): number {
    return this.component.countObservers();
  }
  /** Releases the component once its pending calls are done. */
  override [Symbol.asyncDispose](): Promise<void> {
    return this.component[Symbol.asyncDispose]();
  }
}
