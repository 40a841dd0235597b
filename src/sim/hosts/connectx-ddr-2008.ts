/**
 * The 2008 InfiniBand link and HCA: a Mellanox ConnectX (MT25418) 4x DDR
 * port through one switch, driven by mlx4 and the IB core of Linux 2.6.26
 * (the first of the two releases f89271da may have shipped in, as in
 * xeon-5400-2008.ts). The link rate and header sizes are from the IBTA specification;
 * the verbs and firmware costs are estimates from what each operation does,
 * never fitted to the seed.
 */
import type { LinkCosts } from '../cost-model.js';

export const ibDdr4x: LinkCosts = {
  name: 'IB 4x DDR (ConnectX MT25418)',
  // 4 lanes x 5 Gbaud = 20 Gbit/s signalling, 8b/10b encoding: 16 Gbit/s of data.
  bitsPerSecond: 16e9,
  // LRH 8 + BTH 12 + ICRC 4 + VCRC 2 bytes per packet; the IPoIB header travels in the payload.
  overheadBytes: 26,
  source: 'IBTA Vol. 1: 4x DDR lanes at 5 Gbaud with 8b/10b; LRH, BTH, ICRC and VCRC sizes',
};

export interface HcaCosts {
  readonly name: string;
  /** ib_post_send on an RC QP: lock, build a 64-byte WQE, wmb, doorbell MMIO write. */
  readonly postSendNs: number;
  /** ib_post_srq_recv with 16 SGEs: a 256-byte WQE and the doorbell record. */
  readonly postSrqRecvNs: number;
  /** Polling one CQE the HCA wrote by DMA (a cache miss and the ownership check). */
  readonly cqeNs: number;
  /** One interrupt-driven NAPI round: hardirq, EQ poll, softirq raise, poll bookkeeping, CQ re-arm. */
  readonly napiEventNs: number;
  /** HCA to HCA through one switch, one way (hardware only). */
  readonly fabricLatencyNs: number;
  /** Firmware command latencies (the CPU sleeps while the HCA works). */
  readonly qpCreateNs: number;
  readonly qpModifyNs: number;
  readonly qpDestroyNs: number;
  /** A CM MAD from one host's CM to the other's: QP1 send, fabric, MAD layer receive and dispatch. */
  readonly madNs: number;
  /** CPU time of one CM handler or work item (REQ, REP, start, reap), without the firmware waits. */
  readonly cmCpuNs: number;
  /** The RNR NAK timer: min_rnr_timer 0, which the IB CM sets at RTR, means 655.36 ms. */
  readonly rnrTimerNs: number;
  readonly sources: Readonly<Record<string, string>>;
}

export const connectxDdr2008: HcaCosts = {
  name: 'connectx-ddr-2008',
  postSendNs: 250,
  postSrqRecvNs: 300,
  cqeNs: 120,
  // MSI delivery, irq entry and exit with the APIC EOI (600), mlx4_eq_int reading one EQE (150),
  // napi_schedule and raising the softirq (100), net_rx_action and the poll call (150),
  // ib_req_notify_cq's arm doorbell and missed-event re-poll (250), napi completion (100).
  napiEventNs: 600 + 150 + 100 + 150 + 250 + 100,
  fabricLatencyNs: 700,
  qpCreateNs: 80_000,
  qpModifyNs: 30_000,
  qpDestroyNs: 80_000,
  madNs: 15_000,
  cmCpuNs: 20_000,
  rnrTimerNs: 655.36e6,
  sources: {
    postSendNs: 'mlx4_ib_post_send: spin lock, 64-byte WQE, wmb, and a posted MMIO doorbell write (~150 ns on PCIe)',
    postSrqRecvNs: 'mlx4_ib_post_srq_recv: spin lock, a 16-SGE (256-byte) WQE across four cache lines, the doorbell record',
    cqeNs: 'one CQE written by the HCA: a cache miss (~100 ns) and the ownership and opcode checks',
    napiEventNs: 'itemised: MSI delivery, irq entry/exit and EOI; one EQE; napi_schedule; net_rx_action and ipoib_poll entry; ib_req_notify_cq arm doorbell and re-poll; napi completion',
    fabricLatencyNs: 'ConnectX hardware port-to-port latency plus one switch hop (~0.15 us), about half of the ~1.2 us ib_send_lat of 2008 HCAs',
    qpCreateNs: 'mlx4 CREATE/INIT2RTR-class firmware commands complete in tens to a hundred microseconds, with ICM allocation for a new QP',
    qpModifyNs: 'one modify-QP firmware command',
    qpDestroyNs: 'the 2RST and destroy firmware commands plus ICM release',
    madNs: 'a MAD through QP1 and the ib_mad and ib_cm work queues on both sides',
    cmCpuNs: 'ib_cm and ipoib handler code, QP attribute setup, allocation of the tx ring (vmalloc) or rx state',
    rnrTimerNs: 'cm_init_qp_rtr_attr sets min_rnr_timer = 0 (drivers/infiniband/core/cm.c); IBTA Table 45 encodes 0 as 655.36 ms',
  },
};
