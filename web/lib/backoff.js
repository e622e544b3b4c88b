// Reconnect delays: exponential with full jitter, a random delay in
// [0, min(maxMs, initialMs * multiplier^n)] where n counts failures since the last good login.

export class Backoff {
  constructor({ initialMs = 200, maxMs = 10000, multiplier = 2 } = {}, random = Math.random) {
    if (!(initialMs > 0) || !(maxMs >= initialMs) || !(multiplier >= 1)) {
      throw new RangeError('backoff needs initialMs > 0, maxMs >= initialMs, multiplier >= 1');
    }
    this.initialMs = initialMs;
    this.maxMs = maxMs;
    this.multiplier = multiplier;
    this.random = random;
    this.failures = 0;
  }

  /** The ceiling of the next delay. */
  get ceilingMs() {
    return Math.min(this.maxMs, this.initialMs * this.multiplier ** this.failures);
  }

  /** The delay before the next attempt; counts a failure. */
  next() {
    const delay = Math.floor(this.random() * this.ceilingMs);
    this.failures += 1;
    return delay;
  }

  /** A login worked: the next retry comes within initialMs. */
  reset() {
    this.failures = 0;
  }
}
