/**
 * Parameters of the rc-connection model: the kernel's values (IPoIB
 * connected mode as of the copybreak commit, 2008) and the smaller bounds
 * used for exhaustive checking, each with the reason it keeps the
 * properties meaningful. Sources: ../shared/reference/kernel-facts.md §1.1,
 * ipoib.h and ipoib_cm.c at 5b095d98.
 */
import { ParamError } from '../../src/errors/param-error.js';
import type { ParamDecls } from '../../src/model/params.js';

export type RcParams = {
  /** ipoib_sendq_size: slots per CM send ring, and the device-wide tx_outstanding stop mark. */
  sendq_size: number;
  /** ipoib_recvq_size: receive buffers on the shared receive queue (SRQ). */
  recvq_size: number;
  /** IPOIB_MAX_PATH_REC_QUEUE: packets held on neigh->queue while the connection is not up. */
  neigh_queue: number;
  /** rnr_retry_count in the CM REQ (3 bits; 7 = retry forever). */
  rnr_retry: number;
  /** Application sends in one behaviour (netperf's messages). */
  max_sends: number;
  /** Whether the peer may answer a REQ with REJ: 'never', 'once' or 'always'. */
  peer_rej: string;
  /** Whether the peer may disconnect an established connection (DREQ, then TIMEWAIT_EXIT): 'never', 'once' or 'always'. */
  peer_dreq: string;
  /** IPOIB_CM_COPYBREAK: byte_len (IPoIB header included) below which a packet is copied. */
  copybreak: number;
};

export const params: ParamDecls<RcParams> = {
  sendq_size: {
    kind: 'int',
    default: 64,
    check: 4,
    min: 2,
    max: 8192,
    doc: 'ipoib_sendq_size: CM send ring slots (a power of two: the slot is tx_head & (sendq_size - 1)); netif_stop_queue when ++tx_outstanding == sendq_size, wake at exactly sendq_size/2',
    source: 'IPOIB_TX_RING_SIZE = 64 in 2008 (ipoib.h@f89271, kernel-facts §1.1); ipoib_init_module rounds the module parameter up to a power of two and clamps it',
    why: '4 is the smallest ring whose stop (4) and wake (2) marks are distinct from 1 and from each other, so the stop/wake rule and a full ring while the QP is in error are both reachable with 4 sends',
  },
  recvq_size: {
    kind: 'int',
    default: 128,
    check: 2,
    min: 2,
    max: 8192,
    doc: 'ipoib_recvq_size: SRQ receive buffers (max_wr of the SRQ; a power of two)',
    source: 'IPOIB_RX_RING_SIZE = 128 in 2008 (ipoib.h@f89271, kernel-facts §1.1); ipoib_init_module rounds it up to a power of two; the kernel minimum is 2',
    why: 'the kernel minimum: two arrivals empty the SRQ, so the third send meets an empty SRQ (the RNR NAK) and a reposted buffer can be the next one the HCA fills (the copy-before-repost corruption)',
  },
  neigh_queue: {
    kind: 'int',
    default: 3,
    check: 3,
    min: 1,
    max: 3,
    doc: 'IPOIB_MAX_PATH_REC_QUEUE: skbs held on neigh->queue until OPER_UP; extras are dropped (tx_dropped)',
    source: 'ipoib.h: IPOIB_MAX_PATH_REC_QUEUE = 3 (kernel-facts §1.1)',
  },
  rnr_retry: {
    kind: 'int',
    default: 0,
    check: 0,
    min: 0,
    max: 7,
    doc: 'rnr_retry_count of the RC QP, loaded at RTS from the CM REQ; 7 retries forever',
    source: 'ipoib_cm_send_req: req.rnr_retry_count = 0 /* RFC draft warns against retries */ (ipoib_cm.c@5b095d98, kernel-facts §1.1, §1.7)',
  },
  max_sends: {
    kind: 'int',
    default: 5142034,
    check: 4,
    min: 1,
    max: 100_000_000,
    doc: 'application sends (netperf UDP_STREAM messages) in one behaviour',
    source: 'the seed: netperf sent 5,142,034 messages in 10 s (000_794c8e6a5cf78645.txt)',
    why: 'four sends are the fewest that fill both SRQ buffers, meet an empty SRQ, and still have one send to flush or to re-create the connection with; the cap keeps every counter finite, and a stopped application (the cap reached) is an allowed end state',
  },
  peer_rej: {
    kind: 'enum',
    values: ['never', 'once', 'always'],
    default: 'always',
    check: 'never',
    doc: 'whether the peer may answer a REQ with REJ_RECEIVED (REQ_ERROR, a REQ timeout, is handled the same way)',
    source: 'a real peer may reject at any time, e.g. a non-SRQ peer at max_nonsrq_conn_qp (kernel-facts §1.1, §1.6)',
    why: 'IPoIB retries a rejected connection only on the next packet, so a REJ of the last attempt of a sender that then stops leaves the neighbour unconnected for good; with a bounded sender the reconnection property can only hold if the peer accepts, and the flaky-peer and post-while-not-up variants turn REJ on',
  },
  peer_dreq: {
    kind: 'enum',
    values: ['never', 'once', 'always'],
    default: 'always',
    check: 'never',
    doc: 'whether the peer may disconnect an established connection: DREQ_RECEIVED (its QP is gone), then TIMEWAIT_EXIT',
    source: 'the passive side tears down on its stale_task (idle > 512 s) or ifdown (kernel-facts §1.5, §1.6)',
    why: "the seed's peer stays up for the whole run, so the baseline tells the seed's story and its shortest counterexamples are the RNR NAK ones; the peer-disconnects and reaped-twice variants set 'once', which exercises the CM teardown path and its race with an error completion for the reap (test_and_clear INITIALIZED); more disconnects add states and no new path",
  },
  copybreak: {
    kind: 'int',
    default: 256,
    check: 256,
    min: 1,
    max: 4084,
    doc: 'IPOIB_CM_COPYBREAK: a receive with byte_len < copybreak is copied into a small skb; the model uses it as the boundary of its two size classes, the implementation and simulation as a byte count',
    source: 'ipoib.h@f89271: IPOIB_CM_COPYBREAK = 256; BUILD_BUG_ON(IPOIB_CM_COPYBREAK > IPOIB_CM_HEAD_SIZE) (kernel-facts §1.1, §1.4)',
  },
};

const isPowerOfTwo = (n: number) => n > 0 && (n & (n - 1)) === 0;

/** Refuses ring sizes the kernel would never use: ipoib_init_module rounds both up to a power of two, and the ring index masks with size - 1. */
export function checkRingSizes(p: RcParams): void {
  for (const key of ['sendq_size', 'recvq_size'] as const) {
    if (!isPowerOfTwo(p[key])) {
      throw new ParamError(
        `parameter '${key}' of model 'rc-connection' is ${p[key]}, but must be a power of two (the kernel rounds ipoib_${key} up to one, and tx_ring[tx_head & (sendq_size - 1)] relies on it)`,
        `pass --param ${key}=<a power of two from 2 to 8192>`,
      );
    }
  }
}
