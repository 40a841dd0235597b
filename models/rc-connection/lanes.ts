/**
 * Participants for drawing counterexamples as sequence diagrams: netperf,
 * the sending IPoIB driver, the two HCAs, the CM peer and the receiving
 * driver.
 */
import type { EventObject } from 'xstate';
import type { Lanes } from '../../src/model/spec.js';

const PARTICIPANTS = ['netperf', 'sender', 'hcaTx', 'cm', 'hcaRx', 'receiver'] as const;
type P = (typeof PARTICIPANTS)[number];

const ROUTES: Record<string, readonly [P, P]> = {
  APP_SEND: ['netperf', 'sender'],
  QDISC_RUN: ['sender', 'sender'],
  START: ['sender', 'cm'],
  REP_RECEIVED: ['cm', 'sender'],
  REJ_RECEIVED: ['cm', 'sender'],
  DREQ_RECEIVED: ['cm', 'sender'],
  TIMEWAIT_EXIT: ['cm', 'sender'],
  TRANSMIT: ['hcaTx', 'hcaRx'],
  RNR_NAK: ['hcaRx', 'hcaTx'],
  RNR_TIMER: ['hcaTx', 'hcaTx'],
  RETRY_EXC: ['hcaTx', 'hcaTx'],
  TX_WC: ['hcaTx', 'sender'],
  REAP: ['sender', 'sender'],
  REAP_TIMEOUT: ['sender', 'sender'],
  RX_WC: ['hcaRx', 'receiver'],
  RX_REFILL: ['receiver', 'hcaRx'],
  RX_ALLOC_FAIL: ['receiver', 'hcaRx'],
  COPY: ['receiver', 'receiver'],
};

export const lanes: Lanes = {
  participants: PARTICIPANTS,
  of: (e: EventObject) => ROUTES[e.type] ?? ['sender', 'sender'],
};
