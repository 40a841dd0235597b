/**
 * The machine's context: plain data (the checker keys states by its JSON).
 * Pages are named by canonical ids (order of first appearance), so two states
 * that differ only in which physical page holds what are one state, and the
 * reference implementation's real pages map onto the same names.
 */

/** A receive buffer: a piece of a page, posted on the ring or held by an skb. */
export interface Buf {
  /** Canonical page id. */
  readonly p: number;
  /** Offset in the page, bytes. */
  readonly o: number;
  /** Bytes offered to the device (the sg length, hole included). */
  readonly sz: number;
  /** Bytes the driver will charge as truesize hint: posted length without the hole (3.13 ctx), or sz. */
  readonly ts: number;
}

/** A ring entry from last_used_idx to avail->idx, in index order. */
export interface Entry extends Buf {
  /** Bytes the device wrote (the used element's len); 0 while the buffer is still available. */
  readonly len: number;
  /** num_buffers in this buffer's header when it is a packet's first buffer, else 0. */
  readonly nb: number;
}

/** A buffer owned by an skb: `ref` says whether the skb still holds its own page reference (0 once coalesced). */
export interface HeldBuf {
  readonly p: number;
  readonly o: number;
  /** Offset just past the data this buffer contributed (for skb_can_coalesce). */
  readonly end: number;
  readonly ref: 0 | 1;
}

/** A delivered skb waiting for the application to read it (netif_receive_skb → socket queue). */
export interface Skb {
  /** skb->len: frame bytes (the 12-byte header is not data). */
  readonly len: number;
  /** skb->truesize as the driver computed it. */
  readonly truesize: number;
  /** Memory the skb really pins: skb structures plus the whole of every buffer it holds. */
  readonly held: number;
  /** nr_frags of the head skb, then of each frag_list skb. */
  readonly frags: readonly number[];
  readonly bufs: readonly HeldBuf[];
  /**
   * Not one packet of the device's: built from a buffer in the middle of a packet (whose
   * bytes were read as a header), or holding a later packet's head buffer.
   */
  readonly garbled: boolean;
}

/** Who scheduled refill_work: nobody, virtnet_open's failed fill, or virtnet_poll's. A re-armed work keeps its origin. */
export type RefillOrigin = 'none' | 'open' | 'napi';

export interface Ctx {
  /** avail->idx: free-running u16, written by the driver. */
  readonly avail: number;
  /** used->idx: free-running u16, written by the device. */
  readonly used: number;
  /** The driver's last_used_idx (u16 in the kernel; wider in the wide-shadow bug). */
  readonly lastUsed: number;
  /** Entries last_used_idx … avail->idx − 1: used (len > 0) first, then available. */
  readonly ring: readonly Entry[];
  /** rq->max (≤3.13): the most buffers ever posted. */
  readonly max: number;
  /** Delivered skbs not yet freed, oldest first. */
  readonly sock: readonly Skb[];
  /** rq->pages (page mode): pages given back, most recent first; each holds one reference. */
  readonly pool: readonly number[];
  /** The page-frag allocator's current page and offset (frag mode); it holds one reference. */
  readonly frag: { readonly p: number; readonly o: number } | null;
  /** Reference count of each page, indexed by canonical id. */
  readonly pages: readonly number[];
  /** rq->mrg_avg_pkt_len internal value (3.14); 0 = no sample yet. */
  readonly ewma: number;
  /** refill_work is scheduled, and by whom. */
  readonly refill: RefillOrigin;
  /**
   * Ghost, true only in the state right after the step that set it: refill_work has just
   * refilled a ring that virtnet_poll's failed refill had left empty (the deferred refill).
   */
  readonly deferred: boolean;
  /** Packets the device may still write (the traffic bound). */
  readonly left: number;
  /** Allocation failures the environment may still inject (the memory-pressure bound). */
  readonly oom: number;
}

export interface MachineInput {
  /** Initial value of all three indices: start near 65535 to cross the 16-bit wrap. */
  readonly start: number;
}

/**
 * Renames pages in order of first appearance (allocator, ring, skbs, pool)
 * and drops pages whose count fell to zero and that nothing references.
 * A page with references but no holder (a leak) is kept, after the others.
 */
export function canonical(c: Ctx): Ctx {
  const map = new Map<number, number>();
  const see = (p: number) => {
    if (!map.has(p)) map.set(p, map.size);
  };
  if (c.frag) see(c.frag.p);
  for (const e of c.ring) see(e.p);
  for (const s of c.sock) for (const b of s.bufs) see(b.p);
  for (const p of c.pool) see(p);
  const leaked = c.pages.map((n, p) => [p, n] as const).filter(([p, n]) => n !== 0 && !map.has(p));
  leaked.sort((a, b) => b[1] - a[1]);
  for (const [p] of leaked) see(p);
  let identity = map.size === c.pages.length;
  for (const [from, to] of map) if (from !== to) identity = false;
  if (identity) return c;
  const r = (p: number) => map.get(p)!;
  const pages = new Array<number>(map.size).fill(0);
  for (const [from, to] of map) pages[to] = c.pages[from] ?? 0;
  return {
    ...c,
    ring: c.ring.map((e) => ({ ...e, p: r(e.p) })),
    sock: c.sock.map((s) => ({ ...s, bufs: s.bufs.map((b) => ({ ...b, p: r(b.p) })) })),
    pool: c.pool.map(r),
    frag: c.frag ? { p: r(c.frag.p), o: c.frag.o } : null,
    pages,
  };
}
