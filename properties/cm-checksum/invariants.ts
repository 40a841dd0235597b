/**
 * The safety properties of cm-checksum, one per promise the design makes.
 * Each compares what an end does or believes with the ground truth of the
 * current connection's exchange (what its REQ and REP carried).
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
};

export const trustOnlyOnAgreedConnection: Inv = {
  name: 'trustOnlyOnAgreedConnection',
  doc: 'The receiver marks a packet CHECKSUM_UNNECESSARY only on a connection where both ends agreed, never a datagram-mode (UD) packet.',
  holds: (s) => {
    const pkt = s.context.pkt;
    return pkt === null || !pkt.trusted || (pkt.via === 'rc' && pkt.agreed);
  },
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
};

export const forwardedPacketsCarryChecksum: Inv = {
  name: 'forwardedPacketsCarryChecksum',
  doc: 'A packet forwarded out of the fabric always carries a computed IP checksum: the gateway fills in the one the sender skipped.',
  holds: (s) => !s.matches({ skb: 'onEthernet' }) || s.context.pkt?.csum !== 'absent',
};

export const scatterGatherOnlyWithChecksum: Inv = {
  name: 'scatterGatherOnlyWithChecksum',
  doc: 'NETIF_F_SG is on only while a checksum feature is on (the 2.6 register_netdevice and ethtool rule).',
  holds: (s) => !s.context.featuresA.sg || s.context.featuresA.ipCsum,
};

export const invariants: readonly Inv[] = [
  checksumSkippedOnlyTowardsAgreeingPeer,
  trustOnlyOnAgreedConnection,
  negotiationFromOwnExchange,
  forwardedPacketsCarryChecksum,
  scatterGatherOnlyWithChecksum,
];
