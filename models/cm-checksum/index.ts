/** The cm-checksum model: its ModelSpec. */
import type { ModelSpec } from '../../src/model/spec.js';
import { invariants } from '../../properties/cm-checksum/invariants.js';
import { liveness } from '../../properties/cm-checksum/liveness.js';
import { goals } from '../../properties/cm-checksum/goals.js';
import { cmChecksumSimulation } from '../../src/sim/cm-checksum/simulation.js';
import { LEFT_OUT, MODELLED, cmChecksumMachine } from './cm-checksum.machine.js';
import { eventsAt, lanes } from './events.js';
import { CAPS, type CmContext, type CmInput } from './context.js';
import { params, type CmChecksumParams } from './params.js';
import { variants, type Behaviour } from './variants.js';

const INPUTS: readonly CmInput[] = CAPS.flatMap((capA) => CAPS.map((capB) => ({ capA, capB })));

export const spec: ModelSpec<CmChecksumParams, Behaviour, CmContext> = {
  id: 'cm-checksum',
  title: 'IPoIB-CM: the IB CRC in place of the IP checksum, negotiated per connection',
  summary:
    'Whether an IPoIB connected-mode connection may skip the IP checksum because the IB ICRC already covers the ' +
    'packet: a capability flag in the CM REQ and REP, the negotiated state per connection across teardown and ' +
    'reconnection, old drivers that ignore the flag, gateways out of the fabric, datagram-mode packets, and the ' +
    '2.6 rule that scatter/gather needs a checksum feature, which is what the 64 KB MTU needed to avoid order-5 ' +
    'allocations on the sender. Real checksums and CRCs show which corruptions each mode detects, and what the skip ' +
    'costs: a corruption in memory after the checksum point reaches the application (endToEndIntegrity).',
  sources: [
    '002_a755afb4ab75ec5f.txt (linux-rdma post signed "Yuval"; no date or subject in the file; its text is that of the ' +
      'Oracle UEK commit "IB/ipoib: CSUM support in connected mode", Orabug 20559068, by Yuval Shaia, 2014-15 [I])',
    'kernel-facts.md sections 1.1, 1.6, 1.7, 2',
    'drivers/infiniband/ulp/ipoib/ipoib_cm.c@5b095d98928fdb9e3b75be20a54b7a6cbf6ca9ad ("net: replace %p6 with %pI6", ' +
      'October 2008, first in 2.6.29 [I]) and @00ed905ab8e5 (modern, 4.12 or later [I])',
    'drivers/infiniband/ulp/ipoib/ipoib_main.c ipoib_fix_features: the modern form, keeping NETIF_F_SG (torvalds/linux @785b0017b718 in the index [I]), and older ' +
      'third-party copies that clear it (repositories and releases not recorded)',
    'net/core/dev.c register_netdevice: a third-party 2.6.1x copy, dated by its divert code and DECLARE_MUTEX [I]; ' +
      'net/core/ethtool.c ethtool_set_tx_csum: a 2.6 copy, release not recorded',
    'drivers/infiniband/core/cm.c cm_format_req @858119e15938',
    'include/linux/skbuff.h @e5e67305885e skb_csum_unnecessary, skb_forward_csum; net/core/skbuff.c skb_partial_csum_set',
    'net/core/dev.c dev_hard_start_xmit: a third-party 2.6.3x copy, release not recorded (CHECKSUM_PARTIAL and skb_checksum_help)',
    'drivers/net/virtio_net.c @1824a9897473 receive_buf (NEEDS_CSUM gives CHECKSUM_PARTIAL, DATA_VALID gives CHECKSUM_UNNECESSARY)',
    'drivers/infiniband/ulp/ipoib/ipoib_ib.c @8f98ae0c9b90 UD receive (IPOIB_FLAG_CSUM and wc->csum_ok)',
    'net/ipv4/tcp.c select_size and tcp_sendmsg (a 2.6 copy, release not recorded)',
  ],
  modelled: MODELLED,
  leftOut: LEFT_OUT,
  params,
  variants,
  instantiate: (p, b) => ({
    machine: cmChecksumMachine(p, b),
    inputs: INPUTS,
    events: (s) => eventsAt(s.context as CmContext),
  }),
  invariants,
  liveness,
  goals,
  lanes,
  simulation: cmChecksumSimulation,
};
