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
import { agreedBy, type CmContext, type Packet } from '../../models/cm-checksum/context.js';
import { capsWords, csumWords, exchangeWords, summedWords, txWords, whereWords } from './explanations.js';

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
  explain: (s) => {
    const pkt = s.context.pkt as Packet;
    const where = `the packet ${whereWords(s)} has ${csumWords(pkt.csum, pkt.corrupt)}`;
    if (pkt.via === 'ud') return `${where}, yet it is a datagram-mode (UD) packet, which carries no negotiation`;
    const why = s.context.txAgreed
      ? 'A skipped it because it believes the peer agreed'
      : `A skipped it on its own capability, though its negotiated state says no`;
    return (
      `${where}, yet the connection it was sent on did not agree (pkt.agreed false; ${exchangeWords(s.context.exchange)}; ` +
      `${capsWords(s.context)}): ${why} (${txWords(s)}), and B, on a connection that did not agree, leaves it CHECKSUM_NONE, so the checksum is verified and the packet dropped (by B's stack, or by the Ethernet host it is forwarded to)`
    );
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
  explain: (s) => {
    const pkt = s.context.pkt as Packet;
    const mark = `B's driver set ip_summed to ${summedWords(pkt.summed)}, so its stack takes the TCP checksum as verified (skb_csum_unnecessary)`;
    if (pkt.via === 'ud')
      return `${mark} on a datagram-mode (UD) packet (capB is ${s.context.capB}), which carries no negotiation: it trusts the IB CRC alone, which does not cover host memory`;
    return `${mark} on an RC packet whose connection did not agree (pkt.agreed false; ${exchangeWords(s.context.exchange)}; rxTrust ${s.context.rxTrust})`;
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
  explain: (s) => {
    const c = s.context;
    const agreed = agreedBy(c.exchange);
    const ex = `${exchangeWords(c.exchange)}; ${capsWords(c)}`;
    if (s.matches({ tx: 'operUp' }) && c.txAgreed !== agreed) {
      const cached = c.cachedAgreed === null ? '' : ` (the answer cached on the path from an earlier connection: cachedAgreed ${c.cachedAgreed})`;
      return `A's ipoib_cm_tx is OPER_UP with txAgreed ${c.txAgreed}${cached}, but ${ex}`;
    }
    return `B's ipoib_cm_rx has rxTrust ${c.rxTrust}, but ${ex}`;
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
  explain: (s) => {
    const pkt = s.context.pkt as Packet;
    // B's mark is gone once forwarded (ip_summed is reset), but it followed from the connection: an RC packet is marked
    // (with the variant's mark) exactly when its connection agreed, since a connection never outlives its packet in flight.
    const egress =
      pkt.csum === 'absent'
        ? pkt.agreed
          ? ': B marked it CHECKSUM_UNNECESSARY (its connection agreed; a CHECKSUM_PARTIAL mark would have had the egress path ' +
            'complete it), ip_forward leaves the TCP checksum alone, and the Ethernet host will drop it'
          : ': B left it CHECKSUM_NONE (its connection did not agree), ip_forward leaves the TCP checksum alone, so nothing ' +
            'filled it in, and the Ethernet host will drop it'
        : pkt.csum === 'stale'
          ? `: B marked it CHECKSUM_PARTIAL, but A's packet left with its checksum already computed (A's device has ` +
            `NETIF_F_IP_CSUM ${s.context.featuresA.ipCsum}, txAgreed ${s.context.txAgreed}), so the egress path's ` +
            'skb_checksum_help summed the field again, and the Ethernet host will drop it'
          : '';
    return `the packet was forwarded out of the fabric with ${csumWords(pkt.csum, pkt.corrupt)}${egress}`;
  },
  expandViolations: true,
};

export const scatterGatherOnlyWithChecksum: Inv = {
  name: 'scatterGatherOnlyWithChecksum',
  doc: 'NETIF_F_SG is on only while a checksum feature is on (the 2.6 register_netdevice and ethtool rule).',
  holds: (s) => !s.context.featuresA.sg || s.context.featuresA.ipCsum,
  explain: (s) =>
    `A's device has NETIF_F_SG on and NETIF_F_IP_CSUM off (${s.context.modeA} mode, capA ${s.context.capA}): the 2.6 ` +
    "register_netdevice would print \"Dropping NETIF_F_SG since no checksum feature\", yet the driver left scatter/gather on",
  expandViolations: true,
};

export const checksumOffloadOnlyWhileCapable: Inv = {
  name: 'checksumOffloadOnlyWhileCapable',
  doc:
    "A's device claims NETIF_F_IP_CSUM in connected mode only while its capability is on: turning it off or loading " +
    'an old driver takes the feature (and with it scatter/gather) away.',
  holds: (s) => s.context.modeA !== 'connected' || s.context.capA === 'on' || !s.context.featuresA.ipCsum,
  explain: (s) =>
    `A's device still claims NETIF_F_IP_CSUM${s.context.featuresA.sg ? ' and NETIF_F_SG' : ''} in connected mode although capA is ` +
    `${s.context.capA === 'off' ? 'off (ethtool -K tx off)' : 'old (an old driver was loaded)'}: the stack keeps handing it ` +
    'CHECKSUM_PARTIAL packets the administrator asked it to checksum',
  expandViolations: true,
};

export const endToEndIntegrity: Inv = {
  name: 'endToEndIntegrity',
  doc:
    'No final receiver accepts a packet whose bytes differ from what A\'s application sent: the end-to-end promise ' +
    'of the IP checksum, which the negotiated skip gives up for memory after the checksum point.',
  holds: (s) => s.context.outcome?.fate !== 'accepted-corrupt',
  explain: (s) => {
    const c = s.context;
    const via = c.outcome?.via === 'ud' ? 'a datagram-mode (UD) packet' : 'an RC packet';
    const trusted =
      c.outcome?.via === 'ud'
        ? `B's driver marked the UD packet verified (capB is ${c.capB})`
        : `no checksum was verified over the corrupted bytes (${exchangeWords(c.exchange)}; rxTrust ${c.rxTrust}): either B's stack ` +
          "took its ip_summed mark as verified, or B forwarded it and the egress path computed a fresh checksum over bytes " +
          'already corrupted';
    return (
      `an application accepted ${via} whose bytes differ from what A's application sent (fate accepted-corrupt, ` +
      `corruptionsLeft ${c.corruptionsLeft}). A wire corruption would have failed the VCRC or ICRC, so it happened in host ` +
      `memory, which no CRC covers, and ${trusted}`
    );
  },
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
