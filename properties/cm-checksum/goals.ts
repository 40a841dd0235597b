/**
 * Goals of cm-checksum: states that must be reachable, each reported with
 * a shortest witness. The four capability combinations each deliver a
 * packet over a CM connection; a reconnection runs after a capability
 * changed; a connection is re-established after a CM failure, and a packet
 * is flushed by one (the failure paths the maxCmFaults bound exists to
 * explore); a gateway completes a skipped checksum. (The cost of the design,
 * a corrupted packet accepted as good, is not a goal but a violation of
 * endToEndIntegrity, with its counterexample.)
 */
import type { Goal } from '../../src/model/spec.js';
import type { CmChecksumParams } from '../../models/cm-checksum/params.js';
import type { CmContext } from '../../models/cm-checksum/context.js';

type G = Goal<CmContext, CmChecksumParams>;

const deliveredOverRc = (c: CmContext) => c.outcome !== null && c.outcome.via === 'rc' && c.outcome.fate === 'delivered';

function combination(name: string, capableA: boolean, capableB: boolean, doc: string): G {
  return {
    name,
    doc,
    reached: (s) => deliveredOverRc(s.context) && (s.context.capA === 'on') === capableA && (s.context.capB === 'on') === capableB,
  };
}

export const goals: readonly G[] = [
  combination('deliveredBothCapable', true, true, 'Both ends capable: a packet is delivered over a CM connection.'),
  combination('deliveredOnlyActiveCapable', true, false, 'Only A (the active end) capable: a packet is delivered over a CM connection.'),
  combination('deliveredOnlyPassiveCapable', false, true, 'Only B (the passive end) capable: a packet is delivered over a CM connection.'),
  combination('deliveredNeitherCapable', false, false, 'Neither end capable (off or an old driver): a packet is delivered over a CM connection.'),
  {
    name: 'reconnectedWithChangedCapability',
    doc: 'A connection is up again after an end changed its capability between connections.',
    reached: (s, p) => s.matches({ tx: 'operUp' }) && s.context.capChangesLeft < p.maxCapChanges,
  },
  {
    name: 'reconnectedAfterCmFailure',
    doc: 'A connection is up again after a CM failure (a REJ of the REQ or the REP, a DREQ or a send completion error).',
    reached: (s, p) => s.matches({ tx: 'operUp' }) && s.context.cmFaultsLeft < p.maxCmFaults,
  },
  {
    name: 'packetFlushedByConnectionError',
    doc: 'A connection error tears the connection down with a packet still posted or on the wire, which is flushed.',
    reached: (s) => s.context.outcome?.fate === 'flushed',
  },
  {
    name: 'gatewayCompletedSkippedChecksum',
    doc:
      'A packet sent without a checksum on an agreed connection leaves the fabric, through the gateway, with a ' +
      'checksum valid over its bytes (the egress path completed the CHECKSUM_PARTIAL packet).',
    reached: (s) => s.matches({ skb: 'onEthernet' }) && s.context.pkt !== null && s.context.pkt.agreed && s.context.pkt.csum === 'valid',
  },
];
