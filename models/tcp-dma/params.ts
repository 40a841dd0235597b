/**
 * Parameters of the tcp-dma model. Sizes are in units of 2 KiB (half a
 * 4 KiB page): the copybreak (4096 B) and a page are exactly 2 units, a
 * 1448-byte segment rounds up to 1 unit and a ~4 KB segment is 2 units.
 * Kernel defaults carry their source; each check bound that differs says why
 * it still lets every property fail on its variant.
 */
import type { ParamDecls } from '../../src/model/params.js';

/** Bytes in one model unit: half a page. */
export const UNIT_BYTES = 2048;
/** A page is two units (4 KiB pages on x86). */
export const PAGE_UNITS = 2;

export type TcpDmaParams = {
  /** sysctl_tcp_dma_copybreak, units: DMA only when len > copybreak. */
  copybreak: number;
  /** The read's len, units (the user buffer). */
  readLen: number;
  /** sk_rcvlowat as the socket starts (the kernel default), units. */
  rcvlowat: number;
  /** sk_rcvlowat after the application raises it with SO_RCVLOWAT, as the seed's third run does, units. */
  raisedRcvlowat: number;
  /** sk_rcvbuf, units: the early copy stops when rmem > rcvbuf/2. */
  rcvbuf: number;
  /** Units in the sender's message (one write; its last segment carries PSH). */
  messageLen: number;
  /** ioat_pending_level: the ioat2 driver issues descriptors itself once more than this many are pending. */
  ioatPendingLevel: number;
};

export const params: ParamDecls<TcpDmaParams> = {
  copybreak: {
    kind: 'int',
    default: 2,
    check: 2,
    min: 0,
    max: 1 << 20,
    doc: 'sysctl_tcp_dma_copybreak in 2 KiB units; tcp_recvmsg pins only when len > copybreak',
    source:
      'net/core/user_dma.c@2.6.32.2: NET_DMA_DEFAULT_COPYBREAK 4096 (kernel-facts 4.1). The ioat drivers overwrite it at probe: ' +
      'ioat1 4096, ioat2 2048, ioat3 262144 (drivers/dma/ioat/dma.c, dma_v2.c, dma_v3.c @2.6.32.2)',
  },
  readLen: {
    kind: 'int',
    default: 1024,
    check: 3,
    min: 1,
    max: 1 << 20,
    doc: 'len of the read (the user buffer), units; the second length the model reads with is the copybreak itself',
    source: 'seed 004: iperf -l 2 MBytes = 1024 units',
    why:
      '3 units (6 KiB) is the smallest buffer above the copybreak that spans two pages, so a copy-on-write of one page ' +
      'can strand a DMA into it while the other page stays mapped, and an early copy can overrun it within a 4-unit message',
  },
  rcvlowat: {
    kind: 'int',
    default: 1,
    check: 1,
    min: 1,
    max: 1 << 20,
    doc: 'sk_rcvlowat of a fresh socket, units (1 byte rounds up to one unit: sock_rcvlowat returns at least 1 either way)',
    source: 'sock_init_data sets sk_rcvlowat = 1 (net/core/sock.c@2.6.32.2; kernel-facts 4.1)',
  },
  raisedRcvlowat: {
    kind: 'int',
    default: 100,
    check: 3,
    min: 1,
    max: 1 << 20,
    doc: 'sk_rcvlowat after setsockopt(SO_RCVLOWAT), units',
    source: 'seed 004: sk_rcvlowat = 200 KBytes = 100 units',
    why:
      '3 units, the whole buffer: a read pins while some data is already queued (available < target), and its target is ' +
      'more than sk_rcvbuf holds in charged skbs (one 2-unit skb fills 3 units), as the seed\'s own 200 KB target is on a ' +
      '512 MB board (charged capacity 178104 bytes of a 225280-byte sk_rcvbuf: params rcvbuf, src/sim/tcp-dma/sweeps.ts): ' +
      'the zero-window hang of 2.6.32.2 is reachable',
  },
  rcvbuf: {
    kind: 'int',
    default: 110,
    check: 3,
    min: 1,
    max: 1 << 20,
    doc: 'sk_rcvbuf, units: the window closes when charged memory reaches it; the early copy stops when rmem > rcvbuf/2',
    source:
      'iperf -w 250K asks SO_RCVBUF for 256000 bytes; sock_setsockopt caps the value at sysctl_rmem_max and doubles it ' +
      '(net/core/sock.c@2.6.32.2, SO_RCVBUF). sk_init raises sysctl_rmem_max to 131071 only when totalram_pages >= 131072, and ' +
      'totalram_pages leaves out mem_map and the boot reservations, so a 512 MB board (assumed: the seed does not give its RAM) ' +
      'keeps SK_RMEM_MAX = (sizeof(struct sk_buff) + 256) * 256 = 112640 on 32-bit PowerPC: sk_rcvbuf = 225280 bytes = 110 units. ' +
      'From about 521 MB up (with the e500 profile\'s reservation estimate) it is 262142 bytes (128 units). src/sim/tcp-dma/buffers.ts computes both from the host\'s facts.',
    why:
      '3 units: one charged 1-unit skb (truesize 2) passes rcvbuf/2 and still leaves the window open, so the early copy\'s ' +
      'receive-memory stop is reachable; one charged 2-unit skb (truesize 3) closes it',
  },
  messageLen: {
    kind: 'int',
    default: 1024,
    check: 4,
    min: 1,
    max: 1 << 20,
    doc: 'units of the sender\'s message; segments are 1 or 2 units and the last one carries PSH (tcp_push without MSG_MORE)',
    source: 'iperf writes its -l buffer (2 MB) in one send',
    why: '4 units: one more than the buffer, so an early copy can run past len; at most 4 segments keep the search small',
  },
  ioatPendingLevel: {
    kind: 'int',
    default: 4,
    check: 1,
    min: 0,
    max: 1 << 16,
    doc: 'ioat_pending_level: ioat2_update_pending issues once more than this many descriptors are pending',
    source: 'drivers/dma/ioat/dma.c@2.6.32.2: int ioat_pending_level = 4 (module parameter)',
    why: '1: the second pending descriptor starts the engine, so completions interleave with the read as on a busy channel',
  },
};

/**
 * skb->truesize in units: the payload plus one unit of overhead. Coarser
 * than the kernel (gianfar's 1448-byte skb is 1816 bytes, under one unit;
 * the cost model uses the exact figure, src/sim/tcp-dma/buffers.ts), so that
 * a 3-unit sk_rcvbuf can both pass rcvbuf/2 with the window still open and
 * close the window on a read: the two receive-memory behaviours the
 * properties need, at the check bounds.
 */
export function truesize(lenUnits: number): number {
  return lenUnits + 1;
}
