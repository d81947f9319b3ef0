/**
 * A failed PC/SC call as one of pyscard's exceptions.
 *
 * @module
 */

import { Context } from "../../pcsc/context.ts";
import type { NativePcsc } from "../../pcsc/native_pcsc.ts";
import { PcscError } from "../../pcsc/pcsc_error.ts";
import type { SmartcardException } from "./exceptions.ts";
import { EstablishContextException } from "./pcsc_exceptions.ts";

/** The class of error a failed PC/SC call is reported as. */
export type ExceptionClass = new (
  message: string,
  hresult: number,
  options?: ErrorOptions,
) => SmartcardException;

/**
 * Turns a failed PC/SC call into a `Kind` with the return code as hresult, keeping the
 * original as `cause` and appending what the platform says that code means there (see
 * `PcscError.hint`); anything else (a programming error, a missing library) is left as is.
 */
export function asSmartcardError(
  error: unknown,
  message: string,
  Kind: ExceptionClass,
): unknown {
  return asPcscException(error, (code, options) => new Kind(message, code, options));
}

/**
 * Like {@link asSmartcardError}, for exceptions whose constructor is not `(message, hresult)`
 * (pyscard's `PCSCExceptions`): `make` builds it from the return code.
 */
export function asPcscException(
  error: unknown,
  make: (hresult: number, options: ErrorOptions) => SmartcardException,
): unknown {
  if (!(error instanceof PcscError)) return error;
  const converted = make(error.code, { cause: error });
  if (error.hint !== null) converted.message += ` ${error.hint}`;
  return converted;
}

/**
 * A context for one query, as pyscard's `readers()` and reader-group calls open one; a
 * failure is its {@link EstablishContextException}.
 */
export function openQueryContext(native: NativePcsc): Context {
  try {
    return Context.establish(native);
  } catch (error) {
    throw establishFailure(error);
  }
}

/** A failed SCardEstablishContext as pyscard reports it: an {@link EstablishContextException}. */
export function establishFailure(error: unknown): unknown {
  return asPcscException(error, (code, options) => new EstablishContextException(code, options));
}
