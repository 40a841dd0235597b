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
    '002_a755afb4ab75ec5f.txt',
    'kernel-facts.md sections 1.1, 1.6, 1.7, 2',
    'drivers/infiniband/ulp/ipoib/ipoib_cm.c@5b095d98928fdb9e3b75be20a54b7a6cbf6ca9ad',
    'drivers/infiniband/ulp/ipoib/ipoib_main.c ipoib_fix_features (copies before and after NETIF_F_SG was kept)',
    'net/core/dev.c register_netdevice (2.6.1x copy), net/core/ethtool.c ethtool_set_tx_csum (2.6)',
    'drivers/infiniband/core/cm.c cm_format_req',
    'include/linux/skbuff.h skb_csum_unnecessary, skb_forward_csum; net/core/skbuff.c skb_partial_csum_set',
    'net/core/dev.c dev_hard_start_xmit (2.6.3x copy: CHECKSUM_PARTIAL and skb_checksum_help)',
    'drivers/net/virtio_net.c receive_buf (NEEDS_CSUM gives CHECKSUM_PARTIAL, DATA_VALID gives CHECKSUM_UNNECESSARY)',
    'drivers/infiniband/ulp/ipoib/ipoib_ib.c UD receive (IPOIB_FLAG_CSUM and wc->csum_ok)',
    'net/ipv4/tcp.c select_size and tcp_sendmsg (2.6)',
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
