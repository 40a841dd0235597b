/**
 * Accounting bounds the seed's argument rests on, checked on the
 * implementation's own figures at kernel scale (src/sim/virtqueue-rx). Each
 * holds for some versions and fails for others; tests assert both.
 */
import type { PacketAccount } from '../../src/sim/virtqueue-rx/accounting.js';
import { mean } from '../../src/sim/virtqueue-rx/accounting.js';

export interface AccountingBound {
  readonly name: string;
  readonly doc: string;
  holds(acc: readonly PacketAccount[], ringSize: number): boolean;
}

/** tcp_adv_win_scale = 1 advertises half of rcvbuf: above 2, truesize fills rcvbuf before the window does. */
export const mtuTruesizeWithinTwiceLen: AccountingBound = {
  name: 'mtuTruesizeWithinTwiceLen',
  doc: 'On MTU-sized frames truesize is at most twice the data, so the advertised window (half of rcvbuf) fits in rcvbuf without pruning.',
  holds: (acc) => mean(acc.map((a) => a.truesize / a.len)) <= 2,
};

/** Wang's concern: a ring should absorb a burst of full-size GSO packets. */
export const ringHoldsEightGsoPackets: AccountingBound = {
  name: 'ringHoldsEightGsoPackets',
  doc: 'A full ring holds at least 8 full-size GSO packets.',
  holds: (acc, ringSize) => Math.floor(ringSize / mean(acc.map((a) => a.buffers))) >= 8,
};

export const bounds: readonly AccountingBound[] = [mtuTruesizeWithinTwiceLen, ringHoldsEightGsoPackets];
