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
    'allocations. Real checksums and CRCs show which corruptions each mode detects, and what the skip costs.',
  sources: [
    '002_a755afb4ab75ec5f.txt',
    'kernel-facts.md sections 1.1, 1.6, 1.7, 2',
    'drivers/infiniband/ulp/ipoib/ipoib_cm.c@5b095d98928fdb9e3b75be20a54b7a6cbf6ca9ad',
    'drivers/infiniband/ulp/ipoib/ipoib_main.c ipoib_fix_features (copies before and after NETIF_F_SG was kept)',
    'net/core/dev.c register_netdevice (2.6.1x copy), net/core/ethtool.c ethtool_set_tx_csum (2.6)',
    'drivers/infiniband/core/cm.c cm_format_req',
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
