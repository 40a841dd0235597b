/** Who does what in a tcp-dma trace, for sequence diagrams. */
import type { EventObject } from 'xstate';
import type { Lanes } from '../../src/model/spec.js';

const ROUTES: Record<string, readonly [string, string]> = {
  RECVMSG: ['application', 'tcp_recvmsg'],
  COPY_SKB: ['tcp_recvmsg', 'user buffer'],
  SK_WAIT_DATA: ['tcp_recvmsg', 'softirq'],
  RELEASE_SOCK: ['tcp_recvmsg', 'softirq'],
  WAKE_UP: ['softirq', 'tcp_recvmsg'],
  BREAK: ['tcp_recvmsg', 'ioat'],
  RETURN: ['tcp_recvmsg', 'application'],
  SEGMENT_ARRIVES: ['wire', 'softirq'],
  DMA_COMPLETE: ['ioat', 'user buffer'],
  FORK: ['application', 'mm'],
  SIGNAL: ['application', 'tcp_recvmsg'],
};

export const lanes: Lanes = {
  participants: ['application', 'tcp_recvmsg', 'user buffer', 'softirq', 'wire', 'ioat', 'mm'],
  of: (e: EventObject) => ROUTES[e.type] ?? ['tcp_recvmsg', 'tcp_recvmsg'],
};
