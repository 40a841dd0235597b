/**
 * The words for cm-checksum's violations: what each value in a violating
 * state means in the kernel's terms (the CM private data's flag, ip_summed,
 * the device's feature bits). The properties' `explain` functions compose
 * these; every one is total over the model's contexts, since an explanation
 * that throws is reported as a model definition error.
 */
import type { ModelState } from '../../src/model/spec.js';
import { agreedBy, type Cap, type CmContext, type Csum, type Exchange, type IpSummed } from '../../models/cm-checksum/context.js';

/** A capability as the administrator set it. */
export function capWords(cap: Cap): string {
  if (cap === 'on') return 'on';
  if (cap === 'off') return 'off (turned off, as by ethtool -K tx off)';
  return 'old (a driver that ignores the private data)';
}

/** Both ends' capabilities, with values. */
export function capsWords(c: CmContext): string {
  return `capA is ${c.capA}, capB is ${c.capB}`;
}

/** skb->ip_summed by its kernel name. */
export function summedWords(s: IpSummed): string {
  return s === 'partial' ? 'CHECKSUM_PARTIAL' : s === 'unnecessary' ? 'CHECKSUM_UNNECESSARY' : 'CHECKSUM_NONE';
}

/** What the current connection's REQ and REP carried in their private data. */
export function exchangeWords(e: Exchange | null): string {
  if (e === null) return 'no connection is being set up or up (no REQ/REP exchange)';
  const req = e.req ? 'carried the checksum flag' : 'carried no checksum flag';
  const rep = e.rep ? 'carried it' : 'did not';
  return `this connection's REQ ${req} and its REP ${rep} (agreed: ${agreedBy(e)})`;
}

/** The TCP check field relative to the packet's bytes. */
export function csumWords(c: Csum, corrupt: boolean): string {
  if (c === 'valid') return 'a TCP checksum valid over its bytes';
  if (c === 'absent') return "no TCP checksum (the check field still holds the pseudo-header sum A's stack left for CHECKSUM_PARTIAL)";
  return corrupt
    ? 'a TCP checksum computed before its bytes were corrupted'
    : 'a wrong TCP checksum over intact bytes (summed twice: the egress path completed a checksum A had already completed)';
}

/** Where the one skb is. */
export function whereWords(s: ModelState<CmContext>): string {
  if (s.matches({ skb: 'posted' })) return "posted on A's send queue";
  if (s.matches({ skb: 'onWire' })) return 'on the wire';
  if (s.matches({ skb: 'rxBuffer' })) return "in B's receive buffer";
  if (s.matches({ skb: 'onEthernet' })) return 'forwarded by B out of the fabric to the Ethernet host';
  return 'idle';
}

/** A's transmit side: its OPER_UP state and what ipoib_cm_tx believes. */
export function txWords(s: ModelState<CmContext>): string {
  const c = s.context;
  const state = s.matches({ tx: 'operUp' }) ? 'OPER_UP' : s.matches({ tx: 'reqSent' }) ? 'waiting for the REP' : 'down';
  const cached = c.cachedAgreed === null ? '' : `, cachedAgreed ${c.cachedAgreed}`;
  return `A's ipoib_cm_tx is ${state} with txAgreed ${c.txAgreed}${cached}`;
}
