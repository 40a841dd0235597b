/**
 * How the 3.14 buffer length follows the EWMA of received lengths: the
 * implementation receives a stream of GSO packets then small ones, and the
 * reverse, and records the length add_recvbuf_mergeable would post after
 * each packet.
 */
import type { SimPlot } from '../../model/spec.js';
import type { VirtqueueRxParams } from '../../../models/virtqueue-rx/params.js';
import { variants } from '../../../models/virtqueue-rx/variants.js';
import { account } from './accounting.js';

const EWMA = variants.find((v) => v.name === 'v3.14-ewma')!.behaviour;

export function ewmaSeries(p: VirtqueueRxParams, first: number, then: number, n: number): [number, number][] {
  const lengths = [...new Array<number>(n).fill(first), ...new Array<number>(n).fill(then)];
  return account(EWMA, p, lengths, 11).map((a, i) => [i + 1, a.nextBufLen]);
}

export function ewmaPlot(p: VirtqueueRxParams, n = 300): SimPlot {
  return {
    title: '3.14: buffer length posted after each packet (EWMA weight 64)',
    xLabel: 'packets received',
    yLabel: 'buffer length (bytes)',
    series: [
      { name: `${n} GSO (65549 B) then ${n} small (60 B)`, points: ewmaSeries(p, 65549, 60, n) },
      { name: `${n} small (60 B) then ${n} GSO (65549 B)`, points: ewmaSeries(p, 60, 65549, n) },
      { name: `${n} MTU (1514 B) then ${n} jumbo (9014 B)`, points: ewmaSeries(p, 1514, 9014, n) },
    ],
  };
}
