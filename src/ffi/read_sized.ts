/**
 * The "size query, then fill" calls (SCardListReaders, SCardListReaderGroups, SCardStatus's
 * reader name): one helper that asks again while the answer grows.
 *
 * @module
 */

import { CURRENT_ABI } from "./abi.ts";
import { SCARD_E_INSUFFICIENT_BUFFER } from "./error_codes.ts";
import type { Native } from "./native_handles.ts";
import { UintCell } from "./native_struct.ts";
import { check, PcscError } from "./pcsc_error.ts";
import { normaliseReturnCode } from "./return_codes.ts";
import { andThen, type SyncOrAsync } from "./sync_or_async.ts";

const abi = CURRENT_ABI;

/**
 * Calls a "size query, then fill" function until the buffer is big enough. With `guess`, a
 * buffer of that size is tried first, so that the common case is one native call. `fill` may
 * block or run on the blocking pool; so does the whole.
 */
export function readSized(
  call: string,
  fill: (buf: Uint8Array | null, len: UintCell) => SyncOrAsync<Native>,
  guess = 0,
): SyncOrAsync<Uint8Array> {
  const len = new UintCell(abi.dword.size);
  const succeeded = (rv: Native) => rv === 0 || rv === 0n;
  const query = (attempt: number): SyncOrAsync<Uint8Array> => {
    len.value = 0;
    return andThen(fill(null, len), (rv): SyncOrAsync<Uint8Array> => {
      if (!succeeded(rv)) return retry(rv, attempt);
      const buf = new Uint8Array(Math.max(len.value, 1));
      return andThen(
        fill(buf, len),
        (rv): SyncOrAsync<Uint8Array> =>
          succeeded(rv) ? buf.subarray(0, len.value) : retry(rv, attempt),
      ) as SyncOrAsync<Uint8Array>;
    }) as SyncOrAsync<Uint8Array>;
  };
  // the list grew between the two calls: ask again
  const retry = (rv: Native, attempt: number): SyncOrAsync<Uint8Array> => {
    if (normaliseReturnCode(rv) === SCARD_E_INSUFFICIENT_BUFFER && attempt < 5) {
      return query(attempt + 1);
    }
    throw new PcscError(call, normaliseReturnCode(rv));
  };
  if (guess <= 0) return query(0);
  const buf = new Uint8Array(guess);
  len.value = guess;
  return andThen(fill(buf, len), (rv): SyncOrAsync<Uint8Array> => {
    if (succeeded(rv)) return buf.subarray(0, len.value);
    if (normaliseReturnCode(rv) !== SCARD_E_INSUFFICIENT_BUFFER) check(call, rv);
    return query(0);
  }) as SyncOrAsync<Uint8Array>;
}
