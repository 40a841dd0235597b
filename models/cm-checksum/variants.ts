/**
 * The variants of cm-checksum: upstream as it was in 2008 (the baseline the
 * proposal is measured against), the proposal itself, a later upstream
 * kernel, and the bugs the properties exist to catch. Each names the
 * properties it must violate; the model suite asserts every one of them.
 */
import type { Variant } from '../../src/model/spec.js';
import type { CmChecksumParams } from './params.js';

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
  /** Bug: the receiver marks datagram-mode (UD) packets CHECKSUM_UNNECESSARY when its capability is on. */
  readonly trustUdPackets: boolean;
  /** Bug: a gateway forwards a trusted packet out of the fabric as received, without computing the skipped checksum. */
  readonly gatewayForwardsAsReceived: boolean;
  /** Bug: a capable end refuses (REJ) a REP that does not agree, instead of falling back to software checksums. */
  readonly rejectPeerWithoutCapability: boolean;
}

const PROPOSAL: Behaviour = {
  negotiation: true,
  cmFeatures: 'by-capability',
  skipOnOwnCapability: false,
  keepNegotiationAcrossReconnect: false,
  trustUdPackets: false,
  gatewayForwardsAsReceived: false,
  rejectPeerWithoutCapability: false,
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
      'The proposal (seed 002; the 2007 ofa-general "[PATCHv2] IB/ipoib: S/G and HW checksum support"; shipped only in ' +
      'Oracle UEK as "ib_ipoib: CSUM support in connected mode", Orabug 18692878 and 20559068): the device claims ' +
      'NETIF_F_IP_CSUM and NETIF_F_SG; each connection carries a capability flag in the REQ and REP private data; only ' +
      'when both set it does the sender skip the checksum and the receiver mark CHECKSUM_UNNECESSARY; towards any other ' +
      'peer the driver computes the checksum in software (skb_checksum_help). The flag\'s wire encoding is a modelling choice.',
    behaviour: PROPOSAL,
    catches: [],
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
      'The receiver marks datagram-mode (UD) packets CHECKSUM_UNNECESSARY too, on the grounds that UD packets also carry ' +
      'an ICRC; but no UD packet carries the negotiation.',
    behaviour: { ...PROPOSAL, trustUdPackets: true },
    catches: ['trustOnlyOnAgreedConnection'],
  },
  {
    name: 'bug-gateway-no-regenerate',
    kind: 'bug',
    doc:
      'A gateway forwards a packet received on an agreed connection out of the IB fabric as received, so it leaves with ' +
      'the checksum the sender skipped (Todd Rimmer\'s 2007 objection: gateways must regenerate checksums).',
    behaviour: { ...PROPOSAL, gatewayForwardsAsReceived: true },
    catches: ['forwardedPacketsCarryChecksum'],
  },
  {
    name: 'bug-reject-peer-without-capability',
    kind: 'bug',
    doc:
      'A capable end treats the capability as mandatory: its REP handler rejects a peer that did not agree instead of ' +
      'falling back to software checksums, so it can never talk to an old driver. Safe, and useless.',
    behaviour: { ...PROPOSAL, rejectPeerWithoutCapability: true },
    catches: ['capableEndKeepsWorkingWithOldDriver'],
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
