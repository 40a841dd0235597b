/**
 * The shared receive queue: srq_ring[] (one buffer per wr_id) and the
 * receive WQEs currently posted, which the HCA consumes oldest first. A
 * failed ib_post_srq_recv frees the buffer and leaves its slot NULL
 * (ipoib_cm_post_receive_srq): nothing ever refills it.
 */
import { RxBuffer } from './rx-buffer.js';

export class Srq {
  /** priv->cm.srq_ring[id].skb: null once a failed post has freed it. */
  readonly ring: (RxBuffer | null)[];
  /** wr_ids posted and not yet consumed, oldest first. */
  readonly posted: number[] = [];

  constructor(readonly size: number) {
    this.ring = Array.from({ length: size }, () => RxBuffer.fresh());
    for (let id = 0; id < size; id++) this.posted.push(id);
  }

  /** ipoib_cm_post_receive_srq(id); `fails` injects an ib_post_srq_recv error. Returns whether it was posted. */
  post(id: number, fails = false): boolean {
    if (this.ring[id] === null) throw new Error(`srq_ring[${id}] has no buffer to post`);
    if (this.posted.includes(id)) throw new Error(`wr_id ${id} is already posted`);
    if (fails) {
      this.ring[id] = null;
      return false;
    }
    this.posted.push(id);
    return true;
  }

  /** The responder takes the oldest posted receive WQE, or finds none (RNR). */
  take(): number | undefined {
    return this.posted.shift();
  }

  get lost(): number {
    return this.ring.filter((b) => b === null).length;
  }
}
