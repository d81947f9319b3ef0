/**
 * `SmartCardResourceManager`: what `navigator.smartCard` is, the door to PC/SC contexts.
 *
 * @module
 */

import { Context, SCARD_SCOPE_SYSTEM } from "../pcsc/context.ts";
import { type NativePcsc, SYSTEM_PCSC } from "../pcsc/native_pcsc.ts";
import { platformConstants } from "../pcsc/platform_constants.ts";
import { ConstructionGate } from "./construction_gate.ts";
import { asWebError } from "./corresponding_exception.ts";
import { createContext, type SmartCardContext } from "./smart_card_context.ts";

// Handed from createResourceManager to the constructor.
const creating = new ConstructionGate<NativePcsc>();

/** Establishes PC/SC contexts; `navigator.smartCard` once installed (see `install`). */
export class SmartCardResourceManager {
  readonly #native: NativePcsc;

  /**
   * Not for calling: use `navigator.smartCard` or the module's `smartCard`. As in a
   * browser, `new SmartCardResourceManager()` is a `TypeError`.
   */
  constructor() {
    const native = creating.take();
    this.#native = native;
  }

  /**
   * SCardEstablishContext with the system scope. Without `--allow-ffi` it rejects with a
   * "SecurityError" (where a browser's page is not allowed the feature); without a PC/SC
   * library or service, with a `SmartCardError` "no-service".
   */
  async establishContext(): Promise<SmartCardContext> {
    const native = this.#native;
    let context: Context;
    try {
      context = await Context.open(native, SCARD_SCOPE_SYSTEM);
    } catch (error) {
      throw asWebError(error, platformConstants(native));
    }
    return createContext(context);
  }
}

/**
 * A resource manager over `native`: the system's PC/SC unless told (tests hand it a scripted
 * one). Not exported from the module: code gets the one `smartCard`.
 */
export function createResourceManager(native: NativePcsc = SYSTEM_PCSC): SmartCardResourceManager {
  return creating.open(native, () => new SmartCardResourceManager());
}
