/**
 * The rc-connection model: IPoIB connected mode's RC connection lifecycle,
 * the RNR NAK that closes it, the next packet that reopens it, and the
 * receive ring with and without copybreak. Its one export is the ModelSpec.
 */
import type { ModelSpec } from '../../src/model/spec.js';
import { goals } from '../../properties/rc-connection/goals.js';
import { invariants } from '../../properties/rc-connection/invariants.js';
import { liveness } from '../../properties/rc-connection/liveness.js';
import { simulation } from '../../src/sim/rc-connection/index.js';
import type { RcBehaviour } from './behaviour.js';
import { enabledEvents } from './events.js';
import { lanes } from './lanes.js';
import { checkRingSizes, params, type RcParams } from './params.js';
import { rcConnectionMachine } from './rc-connection.machine.js';
import type { RcContext } from './state.js';
import { variants } from './variants.js';

export const spec: ModelSpec<RcParams, RcBehaviour, RcContext> = {
  id: 'rc-connection',
  title: 'IPoIB connected mode: RC connection lifecycle, RNR NAK close and reopen, receive ring and copybreak',
  summary:
    'One IPoIB-CM connection from netperf to the peer\'s SRQ. With rnr_retry_count 0, the first send that meets an empty SRQ gets an RNR NAK, fails with RNR_RETRY_EXC_ERR, flushes every send behind it (still counted in tx_packets, which so exceeds the port counter), tears the connection down exactly once, and the next packet re-creates it. Without copybreak every receive needs a replacement buffer first, which the seed blames for an SRQ that runs dry over and over; the untimed checker shows that this can happen, and the simulation, at the host profile\'s cost estimates, does not reproduce how often.',
  sources: [
    'seed 000_794c8e6a5cf78645.txt (f89271da, Eli Cohen, 2008)',
    'drivers/infiniband/ulp/ipoib/ipoib_cm.c@5b095d98928fdb9e3b75be20a54b7a6cbf6ca9ad: the copy read: Harvey Harrison\'s "net: replace %p6 with %pI6" (October 2008, first released in 2.6.29 [inferred]), which contains the copybreak commit f89271da; f89271da itself was released in 2.6.26 or 2.6.27 (kernel-facts §1, inferred, not checked against a tag), and the model takes the paths read here as that kernel\'s; the simulation\'s host profiles price 2.6.26',
    'drivers/infiniband/ulp/ipoib/ipoib_main.c@785b0017b718a8ce42c0434ba570e1e96858abd2: a second commit because no 2008 ipoib_main.c is stored; a 4.x copy read only for ipoib_start_xmit and neigh_add_path, whose CM logic matches kernel-facts §1.2 (read at f89271da); nothing else of it is modelled',
    'kernel-facts.md §1.1, §1.2, §1.3, §1.4, §1.7, §1.8',
  ],
  modelled:
    'The sender: netperf sends through the qdisc and the netif queue stop/wake rule (stop when tx_outstanding reaches sendq_size, wake at exactly sendq_size/2, which here cannot differ from "at or below": ADMIN_UP is always set, only the ring stops the queue, and decrements are by one); ipoib_start_xmit creating the tx, holding up to 3 skbs on neigh->queue until OPER_UP; start_task (QP INIT, REQ); REP_RECEIVED (RTR, RTS, OPER_UP, re-queue, RTU); ipoib_cm_send; ipoib_cm_handle_tx_wc for every completion, counting tx_packets as the kernel does; the error path (neigh->cm cleared, neigh->queue dropped, test_and_clear INITIALIZED to reap_list); REJ_RECEIVED and TIMEWAIT_EXIT after a DREQ; ipoib_cm_tx_destroy waiting for tail == head or timing out. The RC transport: in-order WRs, ACK on an SRQ buffer or RNR NAK on an empty SRQ, rnr_retry 0..7, ERR flushing every outstanding and newly posted WR, RETRY_EXC_ERR towards a vanished peer, and the sending port\'s counter of transmissions (ACKed, NAKed or unanswered; never a flushed WR). The receiver: the SRQ, the copybreak copy with immediate repost, the replacement path with allocation failure, and at the shared repost: label of all three paths a post that may fail and lose the buffer (the srq-post-fails variant). Messages by identity and size class (small < 256 bytes with the header, large), the class chosen when the receiver polls, which is equivalent since nothing earlier depends on it.',
  leftOut:
    'The SA path query and address handle (cached after the first packet), the UD path, multicast and other neighbours (one neighbour shows the shared tx_outstanding rule). The passive side\'s own connection states (LIVE, FLUSH, drain WR, stale task); a DREQ stands for its teardown. Timing: every step may be delayed arbitrarily, so how often the SRQ runs dry is left to the simulation; the 5 s reap timeout fires only when no completion can come. The mtu check, post_send and start_task failures, REQ_ERROR (behaves as REJ_RECEIVED), DMA mapping errors and error receive completions. Seed 001, which the issue names for the receive copy cost: this model does not use it (a 2002 Quadrics thread with no figure that applies to a 2008 Xeon); the simulation prices every copy with the memcpy rate estimated in src/sim/hosts/xeon-5400-2008.ts, and seed 001\'s host profile (piii-quadrics-2002.ts) serves only the tcp-dma model.',
  params,
  variants,
  instantiate: (p, b) => {
    checkRingSizes(p);
    return {
      machine: rcConnectionMachine(p, b),
      inputs: [undefined],
      events: (s) => enabledEvents(s, p, b),
      // netperf has sent everything and every message has ended somewhere.
      isEndState: (s) => s.context.sent === p.max_sends && !s.context.fate.includes('.'),
    };
  },
  invariants,
  liveness,
  goals,
  lanes,
  simulation,
};
