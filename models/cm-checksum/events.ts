/**
 * The event alphabet of cm-checksum, and how each event is drawn in a
 * sequence diagram. Event names are the IB CM's and the kernel's own: REQ,
 * REP, RTU and REJ are CM messages (the *_RECEIVED events are their
 * handlers, ipoib_cm_req_handler and ipoib_cm_rep_handler), TRANSMIT is the
 * HCA reading the send buffer, RECEIVE is the receiving HCA checking the
 * CRCs and handing the buffer to the driver, NETIF_RECEIVE is
 * netif_receive_skb (local delivery or ip_forward).
 */
import type { EventObject } from 'xstate';
import type { Lanes } from '../../src/model/spec.js';
import type { Cap, CmContext, EndName } from './context.js';
import { CAPS } from './context.js';

/** Where the environment may corrupt a packet. */
export type CorruptionPoint =
  /** A's memory after the checksum point, before the HCA reads it (DMA). */
  | 'sender-memory'
  /** A link: the next hop's VCRC check refuses it. */
  | 'link'
  /** Inside a switch, after the VCRC check and before the VCRC is regenerated: only the end-to-end ICRC sees it. */
  | 'switch'
  /** B's memory after the HCA wrote it, before the stack verifies or delivers it. */
  | 'receiver-memory';

export const CORRUPTION_POINTS: readonly CorruptionPoint[] = ['sender-memory', 'link', 'switch', 'receiver-memory'];

export type CmEvent =
  | { type: 'SET_MODE_CONNECTED' }
  | { type: 'SET_CAP'; end: EndName; cap: Cap }
  | { type: 'REQ' }
  | { type: 'REQ_RECEIVED' }
  | { type: 'REQ_REJECTED' }
  | { type: 'REP_RECEIVED' }
  | { type: 'REP_REJECTED' }
  | { type: 'RTU_RECEIVED' }
  | { type: 'REJ_RECEIVED'; at: EndName }
  | { type: 'CONN_ERROR' }
  | { type: 'SEND'; dst: 'host' | 'ethernet' }
  | { type: 'SEND_UD' }
  | { type: 'TRANSMIT' }
  | { type: 'CORRUPT'; at: CorruptionPoint }
  | { type: 'RECEIVE' }
  | { type: 'NETIF_RECEIVE' }
  | { type: 'ETH_RECEIVE' };

/** Every event, built once: the checker interns events by identity. */
export const ALPHABET: readonly CmEvent[] = [
  { type: 'SET_MODE_CONNECTED' },
  ...(['A', 'B'] as const).flatMap((end) => CAPS.map((cap): CmEvent => ({ type: 'SET_CAP', end, cap }))),
  { type: 'REQ' },
  { type: 'REQ_RECEIVED' },
  { type: 'REQ_REJECTED' },
  { type: 'REP_RECEIVED' },
  { type: 'REP_REJECTED' },
  { type: 'RTU_RECEIVED' },
  { type: 'REJ_RECEIVED', at: 'A' },
  { type: 'REJ_RECEIVED', at: 'B' },
  { type: 'CONN_ERROR' },
  { type: 'SEND', dst: 'host' },
  { type: 'SEND', dst: 'ethernet' },
  { type: 'SEND_UD' },
  { type: 'TRANSMIT' },
  ...CORRUPTION_POINTS.map((at): CmEvent => ({ type: 'CORRUPT', at })),
  { type: 'RECEIVE' },
  { type: 'NETIF_RECEIVE' },
  { type: 'ETH_RECEIVE' },
];

const ADMIN = 'admin';
const A_STACK = 'A stack';
const A = 'A ipoib';
const FABRIC = 'IB fabric';
const B = 'B ipoib';
const B_STACK = 'B stack';
const ETH = 'Ethernet host';

export const lanes: Lanes = {
  participants: [ADMIN, A_STACK, A, FABRIC, B, B_STACK, ETH],
  of(event: EventObject): readonly [string, string] {
    const e = event as CmEvent;
    switch (e.type) {
      case 'SET_MODE_CONNECTED':
        return [ADMIN, A];
      case 'SET_CAP':
        return [ADMIN, e.end === 'A' ? A : B];
      case 'REQ':
      case 'TRANSMIT':
        return [A, FABRIC];
      case 'REQ_RECEIVED':
      case 'REQ_REJECTED':
      case 'RTU_RECEIVED':
      case 'RECEIVE':
        return [FABRIC, B];
      case 'REP_RECEIVED':
      case 'REP_REJECTED':
        return [FABRIC, A];
      case 'REJ_RECEIVED':
        return [FABRIC, e.at === 'A' ? A : B];
      case 'CONN_ERROR':
        return [A, B];
      case 'SEND':
      case 'SEND_UD':
        return [A_STACK, A];
      case 'CORRUPT':
        if (e.at === 'sender-memory') return [A, A];
        if (e.at === 'receiver-memory') return [B, B];
        return [FABRIC, FABRIC];
      case 'NETIF_RECEIVE':
        return [B, B_STACK];
      case 'ETH_RECEIVE':
        return [B_STACK, ETH];
    }
  },
};

const byType = (type: CmEvent['type']) => ALPHABET.filter((e) => e.type === type);
const PACKET_STEPS = ALPHABET.filter((e) => ['TRANSMIT', 'RECEIVE', 'NETIF_RECEIVE', 'ETH_RECEIVE'].includes(e.type));
const CM_ANSWERS: Record<string, readonly CmEvent[]> = {
  REQ: [...byType('REQ_RECEIVED'), ...byType('REQ_REJECTED')],
  REP: [...byType('REP_RECEIVED'), ...byType('REP_REJECTED')],
  RTU: byType('RTU_RECEIVED'),
  REJ_TO_A: byType('REJ_RECEIVED'),
  REJ_TO_B: byType('REJ_RECEIVED'),
};

/**
 * The events worth offering at a state: a cheap superset of those the
 * machine's guards enable (the machine still decides), so the checker does
 * not spend most of its time stepping events that cannot apply. Dropping an
 * enabled event here would hide behaviour, so every test is looser than the
 * corresponding guard.
 */
export function eventsAt(c: CmContext): readonly CmEvent[] {
  const out: CmEvent[] = [];
  if (c.modeA === 'datagram') out.push(...byType('SET_MODE_CONNECTED'));
  if (c.cm === null) {
    out.push(...byType('REQ'));
    if (c.capChangesLeft > 0 && c.wasConnected) out.push(...byType('SET_CAP'));
    if (c.cmFaultsLeft > 0) out.push(...byType('CONN_ERROR'));
  } else {
    out.push(...CM_ANSWERS[c.cm]);
  }
  if (c.pkt === null) {
    out.push(...byType('SEND'), ...byType('SEND_UD'));
  } else {
    out.push(...PACKET_STEPS);
    if (c.corruptionsLeft > 0) out.push(...byType('CORRUPT'));
  }
  return out;
}
