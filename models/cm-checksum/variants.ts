/**
 * The variants of cm-checksum: upstream as it was in 2008 (the baseline the
 * proposal is measured against), the proposal itself, a later upstream
 * kernel, and the bugs the properties exist to catch. Each names the
 * properties it must violate; the model suite asserts every one of them.
 */
import type { Variant } from '../../src/model/spec.js';
import type { CmChecksumParams } from './params.js';
import type { IpSummed } from '../../src/impl/cm-checksum/fabric.js';

/** What connected mode leaves of the device's checksum and scatter/gather features. */
export type CmFeatures =
  /** 2008 set_mode: `dev->features &= ~(NETIF_F_IP_CSUM | NETIF_F_SG | NETIF_F_TSO)`. */
  | 'clear-csum-and-sg'
  /** The proposal: claim NETIF_F_IP_CSUM | NETIF_F_SG while the capability is on; turning it off drops both (the 2.6 ethtool rule). */
  | 'by-capability'
  /** Later upstream ipoib_fix_features: clear NETIF_F_IP_CSUM | NETIF_F_TSO only, keeping NETIF_F_SG. */
  | 'clear-csum-keep-sg';

export interface Behaviour {
  /** The driver sends the capability flag in the CM REQ and REP private data and reads the peer's. */
  readonly negotiation: boolean;
  readonly cmFeatures: CmFeatures;
  /** Bug: the sender skips the checksum whenever its own capability is on, without the peer's answer. */
  readonly skipOnOwnCapability: boolean;
  /** Bug: the negotiated state is cached on the path and reused by the next connection. */
  readonly keepNegotiationAcrossReconnect: boolean;
  /**
   * What B's driver sets ip_summed to on an agreed connection. CHECKSUM_PARTIAL
   * (the design as it must be, for 2.6): skb_csum_unnecessary treats it as
   * verified for local delivery, and when the packet is forwarded the egress
   * device, or skb_checksum_help in dev_hard_start_xmit, fills in the checksum
   * the sender skipped, as virtio_net and xen-netfront receive their
   * "checksum blank" packets. CHECKSUM_UNNECESSARY: ip_forward (which only
   * resets CHECKSUM_COMPLETE, skb_forward_csum) and the egress path leave the
   * TCP checksum alone, so a forwarded packet leaves without one.
   */
  readonly rxMark: Exclude<IpSummed, 'none'>;
  /** Bug: the receiver marks datagram-mode (UD) packets as it marks agreed ones, when its capability is on. */
  readonly trustUdPackets: boolean;
  /** Bug: a capable end refuses (REJ) a peer that does not agree, in A's REP handler and B's REQ handler, instead of falling back to software checksums. */
  readonly rejectPeerWithoutCapability: boolean;
  /** Bug: a capability change (ethtool, driver reload) leaves A's device features as they were. */
  readonly keepFeaturesOnCapChange: boolean;
}

const PROPOSAL: Behaviour = {
  negotiation: true,
  cmFeatures: 'by-capability',
  skipOnOwnCapability: false,
  keepNegotiationAcrossReconnect: false,
  rxMark: 'partial',
  trustUdPackets: false,
  rejectPeerWithoutCapability: false,
  keepFeaturesOnCapChange: false,
};

export const variants: readonly Variant<CmChecksumParams, Behaviour>[] = [
  {
    name: 'upstream-2008',
    kind: 'baseline',
    doc:
      'Upstream IPoIB-CM as of late 2008 (ipoib_cm.c @5b095d98): the CM private data is only {qpn, mtu}, nobody negotiates, ' +
      'and set_mode clears NETIF_F_IP_CSUM, NETIF_F_SG and NETIF_F_TSO in connected mode. A capability setting is only the ' +
      "administrator's wish here: every end behaves as an old driver. Safe, but it never skips a checksum, and its 64 KB " +
      'packets need order-5 buffers (the allocation property fails: test/models/cm-checksum/allocation.test.ts).',
    behaviour: { ...PROPOSAL, negotiation: false, cmFeatures: 'clear-csum-and-sg' },
    catches: ['capableEndsEventuallySkipChecksum'],
  },
  {
    name: 'ib-crc-negotiation',
    kind: 'version',
    doc:
      'The proposal (seed 002: a linux-rdma post signed "Yuval", with no date or subject in the seed; first proposed as ' +
      'the 2007 ofa-general "[PATCHv2] IB/ipoib: S/G and HW checksum support"; shipped only in Oracle UEK as "ib_ipoib: ' +
      'CSUM support in connected mode", Orabug 18692878, and "IB/ipoib: CSUM support in connected mode", Orabug 20559068, ' +
      'by Yuval Shaia, 2014-15, whose message is the seed\'s text nearly word for word: the seed\'s author and date are ' +
      'inferred from it): the device claims ' +
      'NETIF_F_IP_CSUM and NETIF_F_SG; each connection carries a capability flag in the REQ and REP private data; only ' +
      'when both set it does the sender skip the checksum and the receiver mark the packet CHECKSUM_PARTIAL (local ' +
      'delivery takes it as verified; a forwarded packet gets its checksum from the egress path); towards any other ' +
      'peer the driver computes the checksum in software (skb_checksum_help). The flag\'s wire encoding and the receive ' +
      'mark are modelling choices: UEK\'s are unverified. It knowingly gives up the end-to-end checksum: a corruption in ' +
      'memory after the checksum point, which no CRC covers, reaches the application (endToEndIntegrity).',
    behaviour: PROPOSAL,
    catches: ['endToEndIntegrity'],
  },
  {
    name: 'bug-skip-on-own-capability',
    kind: 'bug',
    doc: 'The sender skips the checksum because its own capability is on, without waiting for the peer\'s answer in the REP.',
    behaviour: { ...PROPOSAL, skipOnOwnCapability: true },
    catches: ['checksumSkippedOnlyTowardsAgreeingPeer'],
  },
  {
    name: 'bug-negotiation-kept-across-reconnect',
    kind: 'bug',
    doc:
      'The negotiated state is cached on the path (which, like the path record and address handle, outlives the ' +
      'connection) and reused when the connection is re-created, so a peer that changed its capability in between is ' +
      'still treated by its old answer.',
    behaviour: { ...PROPOSAL, keepNegotiationAcrossReconnect: true },
    catches: ['negotiationFromOwnExchange'],
  },
  {
    name: 'bug-ud-marked-verified',
    kind: 'bug',
    doc:
      'The receiver, when its own capability is on, marks datagram-mode (UD) packets as it marks packets of an agreed ' +
      'connection (CHECKSUM_PARTIAL, the design\'s mark, which its stack takes as verified), on the grounds that UD ' +
      'packets also carry an ICRC; but no UD packet carries the negotiation, and the ICRC does not cover host memory.',
    behaviour: { ...PROPOSAL, trustUdPackets: true },
    catches: ['trustOnlyOnAgreedConnection'],
  },
  {
    name: 'bug-gateway-no-regenerate',
    kind: 'bug',
    doc:
      'B\'s driver marks agreed packets CHECKSUM_UNNECESSARY, the natural reading of UEK\'s "mark RX checksum good" ' +
      '(unverified). Local delivery is unharmed, but ip_forward never rewrites a TCP checksum and the egress path ' +
      'completes only CHECKSUM_PARTIAL packets, so a gateway forwards the packet out of the fabric with the pseudo-header ' +
      'sum A left in place of its checksum, and the Ethernet host drops it (Todd Rimmer\'s 2007 objection: gateways ' +
      'must regenerate checksums).',
    behaviour: { ...PROPOSAL, rxMark: 'unnecessary' },
    catches: ['forwardedPacketsCarryChecksum'],
  },
  {
    name: 'bug-reject-peer-without-capability',
    kind: 'bug',
    doc:
      'A capable end treats the capability as mandatory: A\'s REP handler rejects a REP that does not agree, and B\'s ' +
      'REQ handler rejects a REQ without the flag, instead of falling back to software checksums, so a capable end can ' +
      'never talk to an old driver or to a peer that turned the feature off. Safe, and useless.',
    behaviour: { ...PROPOSAL, rejectPeerWithoutCapability: true },
    catches: ['capableEndKeepsWorkingWithoutAgreement'],
  },
  {
    name: 'bug-features-kept-on-capability-change',
    kind: 'bug',
    doc:
      'Turning the capability off (ethtool -K tx off, or reloading an old driver) leaves NETIF_F_IP_CSUM and NETIF_F_SG ' +
      'on A\'s device: the stack keeps handing it CHECKSUM_PARTIAL packets and page fragments that the administrator ' +
      'asked it to checksum and linearise. Data stays safe (A\'s REQ no longer carries the flag, so the driver falls ' +
      'back to skb_checksum_help); the device simply no longer follows its setting.',
    behaviour: { ...PROPOSAL, keepFeaturesOnCapChange: true },
    catches: ['checksumOffloadOnlyWhileCapable'],
  },
  {
    name: 'upstream-cm-sg',
    kind: 'version',
    doc:
      'Later upstream (Yuval Shaia, linux c4268778, "S/G in connected mode"; release not identified): ipoib_fix_features ' +
      'clears only NETIF_F_IP_CSUM and NETIF_F_TSO in connected mode and keeps NETIF_F_SG. This is legal only after the ' +
      'core dropped the 2.6 rule that scatter/gather needs a checksum feature; under that rule, which this model encodes, ' +
      'it is a violation.',
    behaviour: { ...PROPOSAL, negotiation: false, cmFeatures: 'clear-csum-keep-sg' },
    catches: ['scatterGatherOnlyWithChecksum'],
  },
];
