/**
 * A transmitted packet: the IPoIB header and netperf's UDP payload, as the
 * bytes the HCA will send. `seq` is netperf's message number, kept as
 * bookkeeping (like skb->cb) for the oracle and the model abstraction;
 * nothing in the data path reads it.
 */
import { ETH_P_IP, IPOIB_ENCAP_LEN } from './constants.js';
import { xorshiftBytes } from '../../traffic/xorshift-bytes.js';

export class TxSkb {
  constructor(
    readonly seq: number,
    readonly frame: Uint8Array,
  ) {}

  /** byte_len on the wire, the IPoIB header included. */
  get len(): number {
    return this.frame.length;
  }

  get payload(): Uint8Array {
    return this.frame.subarray(IPOIB_ENCAP_LEN);
  }
}

/** ipoib_hard_header: be16 proto, u16 reserved, then the payload. */
export function frameOf(payload: Uint8Array): Uint8Array {
  const f = new Uint8Array(IPOIB_ENCAP_LEN + payload.length);
  f[0] = ETH_P_IP >> 8;
  f[1] = ETH_P_IP & 0xff;
  f.set(payload, IPOIB_ENCAP_LEN);
  return f;
}

/** Deterministic, message-specific payload bytes (xorshift32 seeded by seed and seq). */
export function payloadBytes(seed: number, seq: number, length: number): Uint8Array {
  return xorshiftBytes(length, (seed ^ Math.imul(seq + 1, 0x9e3779b1)) >>> 0 || 1);
}
