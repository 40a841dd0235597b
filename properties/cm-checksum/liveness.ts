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
import { agreedBy, type CmContext } from '../../models/cm-checksum/context.js';
import type { ModelState } from '../../src/model/spec.js';
import { capsWords, exchangeWords, txWords, whereWords } from './explanations.js';

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
  explain: (s) => {
    const c = s.context;
    if (!s.matches({ tx: 'operUp' })) return notUp(s);
    if (!agreedBy(c.exchange))
      return (
        `${capsWords(c)}, but ${exchangeWords(c.exchange)}: the driver does not put the flag in its private data ` +
        `(only {qpn, mtu}), so ${txWords(s)} and computes every checksum; nothing fair tears the connection down to renegotiate`
      );
    return (
      `${capsWords(c)} and ${exchangeWords(c.exchange)}, yet ${txWords(s)}: ` +
      (c.cachedAgreed === null ? "A ignores this connection's answer" : 'A reused the answer cached on the path from an earlier connection') +
      ', and computes every checksum; nothing fair tears the connection down to renegotiate'
    );
  },
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
  explain: (s) => {
    const c = s.context;
    if (!s.matches({ tx: 'operUp' })) return notUp(s);
    // What the cycle's packet shows, where the state holds one; else what the sender's state implies.
    const skips =
      c.pkt !== null ? c.pkt.csum === 'absent' : c.outcome !== null ? c.outcome.fate === 'dropped-csum' : c.featuresA.ipCsum && (c.txAgreed || c.capA === 'on');
    const pkt = c.pkt === null ? '' : ` (the packet ${whereWords(s)} has csum ${c.pkt.csum})`;
    const lost = c.outcome === null ? '' : `; the last packet's fate: ${c.outcome.fate}`;
    const why = skips
      ? `${txWords(s)}, and A skips the TCP checksum${pkt} while B, whose connection did not agree (rxTrust ${c.rxTrust}), ` +
        'marks each packet CHECKSUM_NONE and its stack drops it for a bad checksum'
      : `${txWords(s)}${pkt}, and no packet is delivered`;
    return `${capsWords(c)}, ${exchangeWords(c.exchange)}: ${why}${lost}`;
  },
};

export const liveness: readonly Live[] = [capableEndsEventuallySkipChecksum, capableEndKeepsWorkingWithoutAgreement];

/**
 * A behaviour that cycles with no connection up: fault events are bounded
 * (so no fair cycle contains one), which leaves only a refusal: a capable
 * end rejecting a CM message that lacks the flag.
 */
function notUp(s: ModelState<CmContext>): string {
  const c = s.context;
  const refuser = c.capA === 'on' ? "A's REP handler rejects B's REP" : "B's REQ handler rejects A's REQ";
  return (
    `${capsWords(c)} and no connection is up (${txWords(s)}; cmFaultsLeft ${c.cmFaultsLeft}): ${refuser} for lacking the ` +
    'checksum flag, A sends a new REQ, and the same REJ follows for ever; no packet can be sent'
  );
}
