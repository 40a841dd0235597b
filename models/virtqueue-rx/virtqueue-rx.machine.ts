/**
 * virtqueue-rx: the virtio_net receive-buffer lifecycle with mergeable
 * buffers (VIRTIO_NET_F_MRG_RXBUF).
 *
 * Seed: ../shared/seeds/003_c3e238a6ceba5d07.txt (Michael Dalton's page-frag
 * patch and Jason Wang's reply proposing build_skb, with its
 * `if (page && !frag)` condition).
 * Kernel: drivers/net/virtio_net.c as summarised in
 * ../shared/reference/kernel-facts.md §3.1–§3.5 (v3.8–3.12 style, 2613af0e,
 * v3.13 final fb51879d, v3.14 EWMA); read directly in two public copies of the
 * file (a 3.8–3.10-era copy with virtqueue_add_buf and set_skb_frag, and a
 * 3.14-era copy with mergeable_buf_to_ctx and the EWMA), lib/average.c (3.x),
 * and include/uapi/linux/virtio_ring.h (mainline; the layout is frozen ABI).
 * 2613af0e and fb51879d themselves were not found in the stored sources:
 * their behaviour is taken from kernel-facts §3.3–§3.4.
 *
 * Modelled: a buffer's ownership from allocation to release — carved by the
 * page-frag allocator or taken from rq->pages, posted on the available ring,
 * written by the device (its used length), consumed by the driver (copied into
 * the head skb and released, attached as a frag, coalesced into the previous
 * frag, chained on a frag_list skb past MAX_SKB_FRAGS, or made the skb head by
 * build_skb), delivered, and freed by the application's read, with each page's
 * reference count. The three free-running 16-bit indices avail->idx,
 * used->idx and last_used_idx, across their wrap. The driver's receive loop
 * per packet: num_buffers from the head buffer's header, exactly that many
 * used entries consumed, the error paths on a failed head or frag_list
 * allocation (drained from 3.13 final on, stranded before), truesize as each
 * version charges it beside the memory really held. Refill: try_fill_recv at
 * open and at the end of each NAPI poll below the version's threshold, and
 * refill_work scheduled after an allocation failure (after any number of
 * buffers were posted), re-armed while it fails.
 * The device: takes available buffers in order and publishes one packet per
 * used->idx update. The 3.14 EWMA of packet lengths that sizes new buffers.
 *
 * Left out, and why: the missing-buffer path (a device that publishes fewer
 * used entries than num_buffers): QEMU fills all of a packet's entries before
 * one flush, so a conforming device cannot cause it; the reference
 * implementation exercises it with a faulty device. Interrupt and kick
 * suppression (EVENT_IDX, NO_INTERRUPT): they change when the other side
 * looks, not what it finds; an interrupt is modelled as "NAPI is scheduled".
 * The NAPI budget: a poll here always drains, which only merges polls. Small
 * and big (non-mergeable) receive modes. Two allocators in 2613af0e
 * (netdev_alloc_frag for GFP_ATOMIC, vi->alloc_frag for GFP_KERNEL): one
 * page-frag allocator serves both. Checksum and GSO header fields, which the
 * driver copies but never acts on for buffer ownership. The device taking
 * buffers while try_fill_recv is still posting: a refill is one step; an
 * allocation failure after any number of buffers gives the partly filled
 * rings a concurrent device could see.
 */
import { assign, setup } from 'xstate';
import type { Behaviour } from './behaviour.js';
import type { Ctx, MachineInput } from './context.js';
import { buffersNeeded, deviceWrite } from './device.js';
import { commit, draft, freeSkbFromSock, type Env } from './driver-ops.js';
import { fillRing, refillDue } from './refill.js';
import { moreUsed, receivable, receivePacket, type AllocFailure } from './receive.js';
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
    refill: false,
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
  /** try_fill_recv whose allocation fails after `posted` buffers: -ENOMEM, and the caller's reaction. */
  const failAlloc = (c: Ctx, event: VirtqueueRxEvent, scheduleRefill: boolean): Ctx => {
    const d = draft(c);
    fillRing(d, env, 'posted' in event ? event.posted : 0);
    return commit({ ...d, oom: d.oom - 1, refill: d.refill || scheduleRefill });
  };
  /** The failing allocation is one try_fill_recv would make: fewer than num_free buffers were posted before it. */
  const failsWithinFill = (c: Ctx, event: VirtqueueRxEvent): boolean =>
    c.oom > 0 && 'posted' in event && event.posted < p.ringSize - c.ring.length;
  const receive = (c: Ctx, fail: AllocFailure): Ctx => {
    const d = draft(c);
    if (!receivePacket(d, env, fail)) return c;
    return commit({ ...d, oom: fail === 'none' ? d.oom : d.oom - 1 });
  };

  return setup({
    types: { context: {} as Ctx, events: {} as VirtqueueRxEvent, input: {} as MachineInput },
    guards: {
      fillCanFail: ({ context, event }) => failsWithinFill(context, event),
      deviceCanWrite: ({ context, event }) =>
        event.type === 'DEVICE_RX' && context.left > 0 && buffersNeeded(context, event.len) > 0,
      usedVisible: ({ context }) => receivable(context, env),
      usedVisibleAndCanFail: ({ context }) => context.oom > 0 && receivable(context, env),
      nothingVisible: ({ context }) => !moreUsed(context, env),
      nothingVisibleRefillDueCanFail: ({ context, event }) =>
        failsWithinFill(context, event) && !moreUsed(context, env) && refillDue(context, env),
      refillScheduled: ({ context }) => context.refill,
      refillScheduledCanFail: ({ context, event }) => context.refill && failsWithinFill(context, event),
      skbQueued: ({ context }) => context.sock.length > 0,
    },
    actions: {
      open: assign(({ context }) => fill(context)),
      openOom: assign(({ context, event }) => failAlloc(context, event, true)),
      deviceRx: assign(({ context, event }) => {
        if (event.type !== 'DEVICE_RX') return context;
        const d = draft(context);
        deviceWrite(d, event.len);
        return commit(d);
      }),
      receive: assign(({ context }) => receive(context, 'none')),
      receiveHeadOom: assign(({ context }) => receive(context, 'head')),
      receiveNskbOom: assign(({ context }) => receive(context, 'nskb')),
      napiComplete: assign(({ context }) => (refillDue(context, env) ? fill(context) : context)),
      napiCompleteOom: assign(({ context, event }) => failAlloc(context, event, b.refillWorkOnOom)),
      refillWork: assign(({ context }) => ({ ...fill(context), refill: false })),
      // refill_work re-arms itself (HZ/2) while the ring is still empty after its attempt.
      refillWorkOom: assign(({ context, event }) => failAlloc(context, event, true)),
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
      /** Before virtnet_open: no buffers posted. */
      closed: {
        on: {
          OPEN: { target: 'polling', actions: 'open' },
          OPEN_OOM: { guard: 'fillCanFail', target: 'polling', actions: 'openOom' },
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
      /** virtnet_poll running: receive_buf per used packet, then the refill check and napi_complete. */
      polling: {
        on: {
          DEVICE_RX: { guard: 'deviceCanWrite', actions: 'deviceRx' },
          RECEIVE: { guard: 'usedVisible', actions: 'receive' },
          RECEIVE_HEAD_OOM: { guard: 'usedVisibleAndCanFail', actions: 'receiveHeadOom' },
          RECEIVE_NSKB_OOM: { guard: 'usedVisibleAndCanFail', actions: 'receiveNskbOom' },
          NAPI_COMPLETE: { guard: 'nothingVisible', target: 'idle', actions: 'napiComplete' },
          NAPI_COMPLETE_OOM: { guard: 'nothingVisibleRefillDueCanFail', target: 'idle', actions: 'napiCompleteOom' },
        },
      },
    },
  });
}
