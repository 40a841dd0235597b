/**
 * What the kernel would report (BUG, BAD_RING, a use-after-free found by
 * KASAN) when the reference implementation is driven into an impossible
 * situation. Tests treat any of these as a failure on real bytes.
 */
export class KernelFault extends Error {
  constructor(
    readonly kind: 'BAD_RING' | 'USE_AFTER_FREE' | 'REFCOUNT_UNDERFLOW' | 'CORRUPT_SKB',
    message: string,
  ) {
    super(`${kind}: ${message}`);
    this.name = 'KernelFault';
  }
}
