/**
 * What the specification decides for a pair of ends: step the variant's
 * machine through connected mode, the CM exchange and one packet to B's
 * host, and read off how the packet was treated. The simulation prices
 * exactly what the machine does, so a bug variant's treatment (or its
 * refusal to connect) reaches the figures without being restated here.
 */
import { XStateSuccessors } from '../../explore/xstate-successors.js';
import { checkParams } from '../../model/params.js';
import { cmChecksumMachine } from '../../../models/cm-checksum/cm-checksum.machine.js';
import { params } from '../../../models/cm-checksum/params.js';
import type { Behaviour } from '../../../models/cm-checksum/variants.js';
import type { Cap, CmContext, Fate, Features, IpSummed } from '../../../models/cm-checksum/context.js';
import type { CmEvent } from '../../../models/cm-checksum/events.js';

export interface Negotiated {
  /** The connection came up (OPER_UP). */
  readonly connected: boolean;
  readonly features: Features;
  /** A's device claims NETIF_F_IP_CSUM and A skipped the checksum. */
  readonly skip: boolean;
  /** B took the packet as verified without checking it (CHECKSUM_PARTIAL or CHECKSUM_UNNECESSARY). */
  readonly trust: boolean;
  /** The ip_summed B's driver set. */
  readonly summed: IpSummed;
  /** The packet's fate at B's host, or null when no connection came up. */
  readonly fate: Fate | null;
}

const STEPS: readonly CmEvent[] = [
  { type: 'SET_MODE_CONNECTED' },
  { type: 'REQ' },
  { type: 'REQ_RECEIVED' },
  { type: 'REP_RECEIVED' },
  { type: 'RTU_RECEIVED' },
  { type: 'SEND', dst: 'host' },
  { type: 'TRANSMIT' },
  { type: 'RECEIVE' },
  { type: 'NETIF_RECEIVE' },
];

export function negotiate(b: Behaviour, capA: Cap, capB: Cap): Negotiated {
  const succ = new XStateSuccessors({ machine: cmChecksumMachine(checkParams(params), b), inputs: [{ capA, capB }], events: () => STEPS });
  let s = succ.initial()[0];
  let connected = false;
  let skip = false;
  let summed: IpSummed = 'none';
  for (const e of STEPS) {
    s = succ.step(s, e);
    const c = s.context as CmContext;
    // OPER_UP after the REP: the connection may carry packets (a refused REP leaves tx down).
    if (e.type === 'REP_RECEIVED') connected = s.matches({ tx: 'operUp' });
    if (e.type === 'SEND' && c.pkt) skip = c.pkt.csum === 'absent';
    if (e.type === 'RECEIVE' && c.pkt) summed = c.pkt.summed;
  }
  const c = s.context as CmContext;
  return { connected, features: c.featuresA, skip, trust: summed !== 'none', summed, fate: connected ? (c.outcome?.fate ?? null) : null };
}
