/**
 * Liveness of cm-checksum: what the negotiation must eventually achieve.
 *
 * Both properties release their promise when a capability changes away
 * from the premise (P ~> Q or not P), since a change is the environment's
 * choice. Weak fairness covers the protocol's own steps: the CM handlers
 * run, the application keeps sending, the HCAs and the stacks process what
 * they were given. Failures (REJ, connection errors, corruption) and
 * capability changes are bounded by the parameters and are not fair: they
 * may stop at any time, and then the connection must work.
 */
import type { LeadsTo } from '../../src/model/spec.js';
import type { CmChecksumParams } from '../../models/cm-checksum/params.js';
import type { CmContext } from '../../models/cm-checksum/context.js';

type Live = LeadsTo<CmContext, CmChecksumParams>;

export const PROTOCOL_STEPS = [
  'REQ',
  'REQ_RECEIVED',
  'REP_RECEIVED',
  'RTU_RECEIVED',
  'REJ_RECEIVED',
  'SEND',
  'TRANSMIT',
  'RECEIVE',
  'NETIF_RECEIVE',
  'ETH_RECEIVE',
] as const;

const bothCapable = (c: CmContext) => c.capA === 'on' && c.capB === 'on';
/** Exactly one end capable: the other is an old driver or turned the feature off, on either side of the connection. */
const oneCapable = (c: CmContext) => (c.capA === 'on') !== (c.capB === 'on');

export const capableEndsEventuallySkipChecksum: Live = {
  name: 'capableEndsEventuallySkipChecksum',
  doc:
    'Two capable ends (A in connected mode) that keep reconnecting eventually run a connection with the checksum ' +
    'skipped, unless one of them changes its capability first.',
  from: (s) => s.context.modeA === 'connected' && bothCapable(s.context),
  to: (s) => (s.matches({ tx: 'operUp' }) && s.context.txAgreed) || !bothCapable(s.context),
  fair: PROTOCOL_STEPS,
};

export const capableEndKeepsWorkingWithoutAgreement: Live = {
  name: 'capableEndKeepsWorkingWithoutAgreement',
  doc:
    'A capable end facing a peer that does not agree (an old driver, or one that turned the feature off; as the ' +
    'active or the passive end) keeps a working connection: packets are delivered over it, with checksums computed ' +
    'in software, unless a capability changes first.',
  from: (s) => s.context.modeA === 'connected' && oneCapable(s.context),
  to: (s) => {
    const o = s.context.outcome;
    const delivered = o !== null && o.via === 'rc' && (o.fate === 'delivered' || o.fate === 'accepted-corrupt');
    return delivered || !oneCapable(s.context);
  },
  fair: PROTOCOL_STEPS,
};

export const liveness: readonly Live[] = [capableEndsEventuallySkipChecksum, capableEndKeepsWorkingWithoutAgreement];
