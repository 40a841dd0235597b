/**
 * Per-operation costs of the virtio receive path that the shared HostCosts
 * does not name: descriptor work on both sides of the ring, page reference
 * atomics, compound page allocation, frag bookkeeping, and the vhost-net
 * thread's per-packet and per-descriptor work. Estimates [I] by cycle counts
 * on the kvm-2013 host (2.0 GHz Sandy Bridge-EP), each with its reasoning.
 */
export interface VirtioCosts {
  readonly guestAddBufNs: number;
  readonly guestGetBufNs: number;
  readonly pageRefNs: number;
  readonly addRxFragNs: number;
  readonly compoundPageAllocNs: number;
  readonly fragListNs: number;
  readonly vhostPerPacketNs: number;
  readonly vhostPerDescNs: number;
  readonly sources: Readonly<Record<string, string>>;
}

export const virtio2013: VirtioCosts = {
  guestAddBufNs: 60,
  guestGetBufNs: 40,
  pageRefNs: 10,
  addRxFragNs: 10,
  compoundPageAllocNs: 600,
  fragListNs: 50,
  vhostPerPacketNs: 1500,
  vhostPerDescNs: 150,
  sources: {
    guestAddBufNs: '[I] ~120 cycles: sg_init_one, virtqueue_add_inbuf (free-list pop, descriptor write, avail ring write, the write barrier) and the mergeable context encoding.',
    guestGetBufNs: '[I] ~80 cycles: virtqueue_get_buf (read barrier, used-ring element read, detach_buf pushing the descriptor back).',
    pageRefNs: '[I] ~20 cycles: one locked increment or decrement of a struct page count that only the guest vCPU touches.',
    addRxFragNs: '[I] ~20 cycles: filling one skb_frag_t and updating len, data_len and truesize.',
    compoundPageAllocNs: '[I] ~1200 cycles for an order-3 __GFP_COMP allocation and its free: buddy split and merge plus prep_compound_page over 8 struct pages.',
    fragListNs: '[I] ~100 cycles beyond the skb allocation to link an skb on the frag_list and later walk it when copying to the user.',
    vhostPerPacketNs: '[I] ~3000 cycles in handle_rx per packet: peek_head_len on the tap socket, get_rx_bufs, tun_recvmsg, vhost_add_used_and_signal_n and the eventfd signal that injects the interrupt.',
    vhostPerDescNs: '[I] ~300 cycles per buffer: translate_desc through the memory table, the iovec entry, one copy call per iovec, and the used-ring element.',
  },
};
