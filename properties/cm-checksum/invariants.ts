/**
 * The safety properties of cm-checksum, one per promise the design makes.
 * Each compares what an end does or believes with the ground truth of the
 * current connection's exchange (what its REQ and REP carried), or what
 * reaches an application with what A's application sent.
 *
 * Every invariant keeps exploring past its violations (expandViolations):
 * each is the point of some variant, and what that variant does next (a
 * forwarded packet, the connection after a reconnection) is exactly what
 * the other properties must still judge. Without it a bug variant's graph
 * stops at its first violation and its other verdicts read "holds" only
 * because the rest was never explored.
 */
import type { Invariant, ModelState } from '../../src/model/spec.js';
import type { CmChecksumParams } from '../../models/cm-checksum/params.js';
import { agreedBy, type CmContext } from '../../models/cm-checksum/context.js';

type Inv = Invariant<CmContext, CmChecksumParams>;

/** The packet is still A's or in the fabric or in B's buffer: not yet forwarded out of it. */
function insideFabric(s: ModelState<CmContext>): boolean {
  return s.matches({ skb: 'posted' }) || s.matches({ skb: 'onWire' }) || s.matches({ skb: 'rxBuffer' });
}

export const checksumSkippedOnlyTowardsAgreeingPeer: Inv = {
  name: 'checksumSkippedOnlyTowardsAgreeingPeer',
  doc: 'A packet sent without an IP checksum only ever goes to a peer whose current connection agreed to it.',
  holds: (s) => {
    const pkt = s.context.pkt;
    if (pkt === null || pkt.csum !== 'absent' || !insideFabric(s)) return true;
    return pkt.via === 'rc' && pkt.agreed;
  },
  expandViolations: true,
};

export const trustOnlyOnAgreedConnection: Inv = {
  name: 'trustOnlyOnAgreedConnection',
  doc:
    'The receiver takes a packet as verified on the strength of the IB CRC (CHECKSUM_PARTIAL or CHECKSUM_UNNECESSARY ' +
    'without checking it) only on a connection where both ends agreed, never a datagram-mode (UD) packet.',
  holds: (s) => {
    const pkt = s.context.pkt;
    return pkt === null || pkt.summed === 'none' || (pkt.via === 'rc' && pkt.agreed);
  },
  expandViolations: true,
};

export const negotiationFromOwnExchange: Inv = {
  name: 'negotiationFromOwnExchange',
  doc:
    "Each end's negotiated state is the one its current connection's REQ and REP agreed on: it never survives a " +
    'reconnection to a peer that changed its capability.',
  holds: (s) => {
    const agreed = agreedBy(s.context.exchange);
    if (s.matches({ tx: 'operUp' }) && s.context.txAgreed !== agreed) return false;
    if (!s.matches({ rx: 'none' }) && s.context.rxTrust !== agreed) return false;
    return true;
  },
  expandViolations: true,
};

export const forwardedPacketsCarryChecksum: Inv = {
  name: 'forwardedPacketsCarryChecksum',
  doc:
    'A packet forwarded out of the fabric carries a computed IP checksum, valid over its bytes unless they were ' +
    'corrupted after it was computed: the gateway fills in the one the sender skipped.',
  holds: (s) => {
    if (!s.matches({ skb: 'onEthernet' })) return true;
    const pkt = s.context.pkt;
    return pkt !== null && (pkt.csum === 'valid' || (pkt.csum === 'stale' && pkt.corrupt));
  },
  expandViolations: true,
};

export const scatterGatherOnlyWithChecksum: Inv = {
  name: 'scatterGatherOnlyWithChecksum',
  doc: 'NETIF_F_SG is on only while a checksum feature is on (the 2.6 register_netdevice and ethtool rule).',
  holds: (s) => !s.context.featuresA.sg || s.context.featuresA.ipCsum,
  expandViolations: true,
};

export const checksumOffloadOnlyWhileCapable: Inv = {
  name: 'checksumOffloadOnlyWhileCapable',
  doc:
    "A's device claims NETIF_F_IP_CSUM in connected mode only while its capability is on: turning it off or loading " +
    'an old driver takes the feature (and with it scatter/gather) away.',
  holds: (s) => s.context.modeA !== 'connected' || s.context.capA === 'on' || !s.context.featuresA.ipCsum,
  expandViolations: true,
};

export const endToEndIntegrity: Inv = {
  name: 'endToEndIntegrity',
  doc:
    'No final receiver accepts a packet whose bytes differ from what A\'s application sent: the end-to-end promise ' +
    'of the IP checksum, which the negotiated skip gives up for memory after the checksum point.',
  holds: (s) => s.context.outcome?.fate !== 'accepted-corrupt',
  expandViolations: true,
};

export const invariants: readonly Inv[] = [
  checksumSkippedOnlyTowardsAgreeingPeer,
  trustOnlyOnAgreedConnection,
  negotiationFromOwnExchange,
  forwardedPacketsCarryChecksum,
  scatterGatherOnlyWithChecksum,
  checksumOffloadOnlyWhileCapable,
  endToEndIntegrity,
];
