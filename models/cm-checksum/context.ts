/**
 * The state of the cm-checksum machine that is data rather than a region's
 * state value: both ends' capabilities, A's device features, what the
 * current connection's CM messages carried, each end's belief about the
 * negotiation, and the one packet in flight. Plain data only (the checker
 * keys states by it), and the pure functions the machine's actions and the
 * properties share.
 */
import type { Behaviour } from './variants.js';
import type { Fate as DeliveryFate, IpSummed } from '../../src/impl/cm-checksum/fabric.js';

export type { IpSummed };

/** An end's local checksum capability: on, turned off, or an old driver that ignores the private-data field. */
export type Cap = 'on' | 'off' | 'old';
export type EndName = 'A' | 'B';

/** NETIF_F_IP_CSUM and NETIF_F_SG of A's net_device. */
export interface Features {
  readonly ipCsum: boolean;
  readonly sg: boolean;
}

/** The one CM message in flight. REJ_TO_A answers a REQ; REJ_TO_B answers a REP. */
export type CmMessage = 'REQ' | 'REP' | 'RTU' | 'REJ_TO_A' | 'REJ_TO_B';

/**
 * The capability flag each message of this connection's exchange carried
 * (false when the sender left it out: an old driver's private data is
 * {qpn, mtu} and the IB CM pads the rest with zeros). This is the ground
 * truth the ends' beliefs are checked against.
 */
export interface Exchange {
  readonly req: boolean;
  readonly rep: boolean;
}

/**
 * The TCP checksum field relative to the packet's current bytes: computed
 * over them (valid), never computed (absent: the sender skipped it and left
 * the pseudo-header sum of CHECKSUM_PARTIAL), or not their checksum
 * (stale: computed before the bytes changed, or summed twice by a gateway
 * completing a packet whose checksum was already complete).
 */
export type Csum = 'valid' | 'absent' | 'stale';
/** Whether the wire damaged the packet, and so which CRC will refuse it. */
export type Crc = 'ok' | 'vcrc-bad' | 'icrc-bad';

export interface Packet {
  /** RC: the CM connection; UD: datagram mode, which carries no negotiation. */
  readonly via: 'rc' | 'ud';
  /** B's stack delivers it locally, or B forwards it out of the fabric to an Ethernet host. */
  readonly dst: 'host' | 'ethernet';
  readonly csum: Csum;
  /** The bytes differ from what A's application sent. */
  readonly corrupt: boolean;
  readonly crc: Crc;
  /** skb->ip_summed as B's driver set it ('none' until B's HCA hands it over, and again once forwarded). */
  readonly summed: IpSummed;
  /** The exchange of the connection it was sent on agreed (both flags set); false for UD. */
  readonly agreed: boolean;
}

/** What became of the last packet: a fate on real bytes (src/impl/cm-checksum/fabric.ts), or flushed by a failed connection. */
export type Fate = DeliveryFate | 'flushed';
export interface Outcome {
  readonly fate: Fate;
  readonly via: 'rc' | 'ud';
}

export interface CmContext {
  readonly capA: Cap;
  readonly capB: Cap;
  readonly modeA: 'datagram' | 'connected';
  readonly featuresA: Features;
  /** A's ipoib_cm_tx belief: skip the checksum on this connection. False while down. */
  readonly txAgreed: boolean;
  /** B's ipoib_cm_rx belief: mark this connection's packets CHECKSUM_UNNECESSARY. False while none. */
  readonly rxTrust: boolean;
  readonly exchange: Exchange | null;
  readonly cm: CmMessage | null;
  /** Only the keep-across-reconnect bug fills this: the negotiated state cached on the path. */
  readonly cachedAgreed: boolean | null;
  /** A connection has been up before (capabilities change only between connections). */
  readonly wasConnected: boolean;
  readonly pkt: Packet | null;
  readonly outcome: Outcome | null;
  readonly cmFaultsLeft: number;
  readonly corruptionsLeft: number;
  readonly capChangesLeft: number;
}

/** One initial state per pair of capabilities. */
export interface CmInput {
  readonly capA: Cap;
  readonly capB: Cap;
}

export const CAPS: readonly Cap[] = ['on', 'off', 'old'];

/** The end puts the flag in its private data. */
export function advertises(b: Behaviour, cap: Cap): boolean {
  return b.negotiation && cap === 'on';
}

/** Both messages of the exchange carried the flag. */
export function agreedBy(e: Exchange | null): boolean {
  return e !== null && e.req && e.rep;
}

const NONE: Features = { ipCsum: false, sg: false };

/**
 * Datagram mode on an HCA without UD checksum offload (the seed: "IB HCA
 * hardware does not support this feature"): no checksum feature, so the
 * 2.6 rule leaves no scatter/gather either.
 */
export const DATAGRAM_FEATURES: Features = NONE;

/** What connected mode leaves on A's device for its capability, per variant. */
export function connectedFeatures(b: Behaviour, cap: Cap): Features {
  switch (b.cmFeatures) {
    case 'clear-csum-and-sg':
      return NONE;
    case 'clear-csum-keep-sg':
      return { ipCsum: false, sg: true };
    case 'by-capability':
      // An old driver is upstream's set_mode; "off" is ethtool -K tx off, which
      // (ethtool_set_tx_csum in 2.6) turns scatter/gather off before the checksum.
      return cap === 'on' ? { ipCsum: true, sg: true } : NONE;
  }
}

export function initialContext(input: CmInput, p: { maxCmFaults: number; maxCorruptions: number; maxCapChanges: number }): CmContext {
  return {
    capA: input.capA,
    capB: input.capB,
    modeA: 'datagram',
    featuresA: DATAGRAM_FEATURES,
    txAgreed: false,
    rxTrust: false,
    exchange: null,
    cm: null,
    cachedAgreed: null,
    wasConnected: false,
    pkt: null,
    outcome: null,
    cmFaultsLeft: p.maxCmFaults,
    corruptionsLeft: p.maxCorruptions,
    capChangesLeft: p.maxCapChanges,
  };
}
