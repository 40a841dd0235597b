/** The event alphabet: the driver's kernel activities, the device, the application, and injected allocation failures. */
export type VirtqueueRxEvent =
  /** virtnet_open: try_fill_recv(GFP_KERNEL), then virtnet_napi_enable. */
  | { type: 'OPEN' }
  /** virtnet_open whose allocation fails after `posted` (≥ 1: probe fails the device on none) buffers: refill_work is scheduled. */
  | { type: 'OPEN_OOM'; posted: number }
  /** The device writes a frame of `len` bytes (plus the 12-byte header) and raises an interrupt. */
  | { type: 'DEVICE_RX'; len: number }
  /** receive_buf for the used entry at last_used_idx: a packet's first buffer, a short buffer, or a stale slot. */
  | { type: 'RECEIVE' }
  /**
   * receive_buf for a buffer in the middle of a packet (stranded by an undrained error), whose
   * payload bytes 10–11 read as num_buffers = `num` (ring size + 1 stands for any larger value).
   */
  | { type: 'RECEIVE_MISPARSE'; num: number }
  /** receive_buf whose head skb allocation (netdev_alloc_skb or build_skb) fails. */
  | { type: 'RECEIVE_HEAD_OOM' }
  /** receive_buf whose frag_list skb allocation (alloc_skb(0, GFP_ATOMIC)) fails. */
  | { type: 'RECEIVE_NSKB_OOM' }
  /** End of virtnet_poll: try_fill_recv(GFP_ATOMIC) if below the threshold, then napi_complete. */
  | { type: 'NAPI_COMPLETE' }
  /** The same, with the refill failing after `posted` buffers: schedule_delayed_work(&vi->refill, 0). */
  | { type: 'NAPI_COMPLETE_OOM'; posted: number }
  /** refill_work: napi_disable, try_fill_recv(GFP_KERNEL), virtnet_napi_enable. */
  | { type: 'REFILL_WORK' }
  /** refill_work whose allocation fails after `posted` buffers: it re-arms itself (HZ/2). */
  | { type: 'REFILL_WORK_OOM'; posted: number }
  /** The application reads the oldest delivered skb, which is freed. */
  | { type: 'SKB_FREE' };

export const FAIR_DRIVER_EVENTS = ['OPEN', 'RECEIVE', 'RECEIVE_MISPARSE', 'NAPI_COMPLETE', 'REFILL_WORK'] as const;

/** Event types whose allocation fails after some buffers were posted. */
export type RefillOomEvent = Extract<VirtqueueRxEvent, { posted: number }>;
