/**
 * Pauses that grow: how the status-change loop waits on a failing or spuriously waking
 * service without spinning.
 *
 * @module
 */

/** Pauses that start at `first` ms and double up to `max`. */
export class Backoff {
  /** How many pauses were taken. */
  count = 0;

  /**
   * Creates a `Backoff`.
   * @param first the first pause, in ms
   * @param max the longest pause, in ms
   */
  constructor(readonly first: number, readonly max: number) {}

  /** The next pause, in ms. */
  next(): number {
    return Math.min(this.first * 2 ** this.count++, this.max);
  }
}
