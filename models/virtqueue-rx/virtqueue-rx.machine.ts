/**
 * virtqueue-rx: the virtio_net receive-buffer lifecycle with mergeable
 * buffers (VIRTIO_NET_F_MRG_RXBUF).
 *
 * Seed: ../shared/seeds/003_c3e238a6ceba5d07.txt (Michael Dalton's page-frag
 * patch and Jason Wang's reply proposing build_skb, with its
 * `if (page && !frag)` condition).
 * Kernel: drivers/net/virtio_net.c read at v3.13.10 and v3.14 (public copies
 * of the release trees), a 3.8–3.12-era copy (receive_queue,
 * set_skb_frag, receive_mergeable returning -EINVAL), lib/average.c (3.x),
 * include/uapi/linux/virtio_ring.h (frozen ABI); 2613af0e as summarised in
 * ../shared/reference/kernel-facts.md §3.3–§3.4 and seen in a blame of the
 * current file. Which release holds which commit (blame author dates against
 * the release dates, confirmed by the two release trees): 2613af0e (28 Oct
 * 2013), ba275241 coalescing (1 Nov 2013) and 8fc3b9e9 err_skb (28 Nov 2013)
 * are in v3.13; fb51879d per-queue allocator and hole (16 Jan 2014) and
 * ab7db917 EWMA are in v3.14, not v3.13 (tagged 19 Jan 2014, and v3.13.10
 * still has MERGE_BUFFER_LEN truesize and no hole). kernel-facts §3.1–§3.6.
 *
 * Modelled:
 * A buffer's ownership from allocation to release: carved by the page-frag
 * allocator or taken from rq->pages, posted on the available ring, written
 * by the device (its used length), consumed by the driver (copied into the
 * head skb and released, attached as a frag, coalesced into the previous
 * frag, chained on a frag_list skb past MAX_SKB_FRAGS, or made the skb head
 * by build_skb), delivered, and freed by the application's read, with each
 * page's reference count. The three free-running 16-bit indices avail->idx,
 * used->idx and last_used_idx, across their wrap. The driver's receive loop
 * per used entry, as the kernel writes it: the short-packet test (len < 24),
 * num_buffers read from the buffer's header bytes as an int, that many used
 * entries consumed (`while (--num_buf)`), the error paths on a failed head
 * or frag_list allocation (drained from 3.13 on, stranded before), a buffer
 * missing from the used ring, 3.12's "packet too long" drop, and truesize as
 * each version charges it beside the memory really held. What the kernel
 * does with a buffer stranded in the middle of a packet: it parses it as a
 * packet, reading two payload bytes as num_buffers (any value: the event
 * carries it), so it delivers garbage, swallows the buffers of the packets
 * behind it, or drops them as missing; a stranded remainder shorter than 24
 * bytes goes down the short-packet path instead. Refill: try_fill_recv at
 * open (virtnet_probe's first fill, which fails the device when it posts
 * nothing, merged with virtnet_open's) and at the end of each NAPI poll
 * below the version's threshold, and refill_work scheduled after an
 * allocation failure (after any number of buffers were posted), re-armed
 * while it fails, with who scheduled it. The device takes available buffers
 * in order and publishes one packet per used->idx update; seeded device
 * faults overrun avail->idx or write frames longer than any GSO packet. The
 * 3.14 EWMA of packet lengths that sizes new buffers.
 *
 * Left out, and why:
 * The missing-buffer path from a conforming device (one that publishes fewer
 * used entries than num_buffers): QEMU fills all of a packet's entries
 * before one flush, so it arises here only from the driver's own misreads;
 * the reference implementation also exercises it with a faulty device. An
 * allocation failure while parsing a stranded buffer (RECEIVE_HEAD_OOM and
 * RECEIVE_NSKB_OOM need a packet's real first buffer): it would drop one
 * more garbage packet, and where an allocation failure caused the stranding
 * the check bounds' single failure is already spent. What receive_buf does
 * after the skb is built from a garbage header (NEEDS_CSUM with a wild
 * csum_start, a bad gso_type: rx_frame_errors and the skb freed): for buffer
 * ownership this is the same as delivering it and the application freeing it
 * at once, which the model includes. Clamping a used length above the buffer
 * (`len > MERGE_BUFFER_LEN`, `len > PAGE_SIZE`): a conforming device never
 * writes past a buffer. Interrupt and kick suppression (EVENT_IDX,
 * NO_INTERRUPT): they change when the other side looks, not what it finds;
 * an interrupt is modelled as "NAPI is scheduled". The NAPI budget: a poll
 * here always drains, which only merges polls. Small and big (non-mergeable)
 * receive modes. The two allocators of 2613af0e and 3.13 (netdev_alloc_frag
 * for GFP_ATOMIC refills, vi->alloc_frag for GFP_KERNEL ones): one page-frag
 * allocator serves both. netdev_alloc_frag is a per-CPU cache shared with
 * the head skbs of netdev_alloc_skb and with other devices, so which buffers
 * of the queue share a page (and coalesce) depends on traffic the model does
 * not have; no ownership property depends on it, and consecutive refills
 * carve consecutive pieces either way. Checksum and GSO header fields, which
 * the driver copies but never acts on for buffer ownership. The device
 * taking buffers while try_fill_recv is still posting: a refill is one step;
 * an allocation failure after any number of buffers gives the partly filled
 * rings a concurrent device could see.
 */
import { assign, setup } from 'xstate';
import type { Behaviour } from './behaviour.js';
import type { Ctx, MachineInput, RefillOrigin } from './context.js';
import { deviceAccepts, deviceWrite } from './device.js';
import { u16Distance } from './kernel.js';
import { commit, draft, freeSkbFromSock, type Env } from './driver-ops.js';
import { fillRing, refillDue } from './refill.js';
import { found, moreUsed, receivePacket, type AllocFailure } from './receive.js';
import type { VirtqueueRxParams } from './params.js';
import type { VirtqueueRxEvent } from './events.js';

export function initialContext(p: VirtqueueRxParams, start: number): Ctx {
  return {
    avail: start,
    used: start,
    lastUsed: start,
    ring: [],
    max: 0,
    sock: [],
    pool: [],
    frag: null,
    pages: [],
    ewma: 0,
    refill: 'none',
    deferred: false,
    left: p.packets,
    oom: p.oomBudget,
  };
}

export function virtqueueRxMachine(p: VirtqueueRxParams, b: Behaviour) {
  const env: Env = { b, p };
  const fill = (c: Ctx): Ctx => {
    const d = draft(c);
    fillRing(d, env);
    return commit(d);
  };
  /** try_fill_recv whose allocation fails after `posted` buffers: -ENOMEM, and who schedules refill_work (if anyone). */
  const failAlloc = (c: Ctx, event: VirtqueueRxEvent, schedule: RefillOrigin): Ctx => {
    const d = draft(c);
    fillRing(d, env, 'posted' in event ? event.posted : 0);
    return commit({ ...d, oom: d.oom - 1, refill: c.refill !== 'none' ? c.refill : schedule });
  };
  /** The failing allocation is one try_fill_recv would make: fewer than num_free buffers were posted before it. */
  const failsWithinFill = (c: Ctx, event: VirtqueueRxEvent): boolean =>
    c.oom > 0 && 'posted' in event && event.posted < p.ringSize - c.ring.length;
  const receive = (c: Ctx, fail: AllocFailure, garbage?: number): Ctx => {
    const d = draft(c);
    if (!receivePacket(d, env, fail, garbage)) return c;
    return commit({ ...d, oom: fail === 'none' ? d.oom : d.oom - 1 });
  };
  /** Every step clears the transient ghost `deferred` (draft() does for the steps that change the context). */
  const settled = (c: Ctx): Ctx => (c.deferred ? { ...c, deferred: false } : c);

  return setup({
    types: { context: {} as Ctx, events: {} as VirtqueueRxEvent, input: {} as MachineInput },
    guards: {
      // virtnet_probe fails the device when its first fill posts nothing, so open starts with ≥ 1 buffer.
      openCanFail: ({ context, event }) => failsWithinFill(context, event) && 'posted' in event && event.posted >= 1,
      deviceCanWrite: ({ context, event }) =>
        event.type === 'DEVICE_RX' && context.left > 0 && deviceAccepts(context, env, event.len),
      usedVisible: ({ context }) => ['stale', 'short', 'head'].includes(found(context, env)),
      midPacketVisible: ({ context, event }) =>
        event.type === 'RECEIVE_MISPARSE' &&
        found(context, env) === 'mid-packet' &&
        // Values above the used entries there are all behave alike: one stands for them.
        (event.num === 0 || event.num === p.ringSize + 1 || event.num <= Math.min(u16Distance(context.lastUsed, context.used), context.ring.length)),
      headVisibleAndCanFail: ({ context }) => context.oom > 0 && found(context, env) === 'head',
      nothingVisible: ({ context }) => !moreUsed(context, env),
      nothingVisibleRefillDueCanFail: ({ context, event }) =>
        failsWithinFill(context, event) && !moreUsed(context, env) && refillDue(context, env),
      refillScheduled: ({ context }) => context.refill !== 'none',
      refillScheduledCanFail: ({ context, event }) => context.refill !== 'none' && failsWithinFill(context, event),
      skbQueued: ({ context }) => context.sock.length > 0,
    },
    actions: {
      open: assign(({ context }) => fill(context)),
      openOom: assign(({ context, event }) => failAlloc(context, event, 'open')),
      deviceRx: assign(({ context, event }) => {
        if (event.type !== 'DEVICE_RX') return context;
        const d = draft(context);
        deviceWrite(d, event.len);
        return commit(d);
      }),
      receive: assign(({ context }) => receive(context, 'none')),
      receiveMisparse: assign(({ context, event }) => receive(context, 'none', event.type === 'RECEIVE_MISPARSE' ? event.num : 0)),
      receiveHeadOom: assign(({ context }) => receive(context, 'head')),
      receiveNskbOom: assign(({ context }) => receive(context, 'nskb')),
      napiComplete: assign(({ context }) => (refillDue(context, env) ? fill(context) : settled(context))),
      napiCompleteOom: assign(({ context, event }) => failAlloc(context, event, b.refillWorkOnOom ? 'napi' : 'none')),
      refillWork: assign(({ context }) => ({
        ...fill(context),
        refill: 'none' as const,
        deferred: context.refill === 'napi' && context.ring.length === 0,
      })),
      // refill_work re-arms itself (HZ/2) while its attempt fails; the work keeps its origin.
      refillWorkOom: assign(({ context, event }) => failAlloc(context, event, context.refill)),
      skbFree: assign(({ context }) => freeSkbFromSock(context)),
    },
  }).createMachine({
    id: 'virtqueue-rx',
    context: ({ input }) => initialContext(p, input.start),
    initial: 'closed',
    on: {
      SKB_FREE: { guard: 'skbQueued', actions: 'skbFree' },
    },
    states: {
      /** Before virtnet_open (virtnet_probe's fill and virtnet_open's are one step): no buffers posted. */
      closed: {
        on: {
          OPEN: { target: 'polling', actions: 'open' },
          OPEN_OOM: { guard: 'openCanFail', target: 'polling', actions: 'openOom' },
        },
      },
      /** NAPI not scheduled: the driver waits for an interrupt; refill_work may run (napi_disable succeeds). */
      idle: {
        on: {
          DEVICE_RX: { guard: 'deviceCanWrite', target: 'polling', actions: 'deviceRx' },
          REFILL_WORK: { guard: 'refillScheduled', target: 'polling', actions: 'refillWork' },
          REFILL_WORK_OOM: { guard: 'refillScheduledCanFail', target: 'polling', actions: 'refillWorkOom' },
        },
      },
      /** virtnet_poll running: receive_buf per used entry, then the refill check and napi_complete. */
      polling: {
        on: {
          DEVICE_RX: { guard: 'deviceCanWrite', actions: 'deviceRx' },
          RECEIVE: { guard: 'usedVisible', actions: 'receive' },
          RECEIVE_MISPARSE: { guard: 'midPacketVisible', actions: 'receiveMisparse' },
          RECEIVE_HEAD_OOM: { guard: 'headVisibleAndCanFail', actions: 'receiveHeadOom' },
          RECEIVE_NSKB_OOM: { guard: 'headVisibleAndCanFail', actions: 'receiveNskbOom' },
          NAPI_COMPLETE: { guard: 'nothingVisible', target: 'idle', actions: 'napiComplete' },
          NAPI_COMPLETE_OOM: { guard: 'nothingVisibleRefillDueCanFail', target: 'idle', actions: 'napiCompleteOom' },
        },
      },
    },
  });
}
