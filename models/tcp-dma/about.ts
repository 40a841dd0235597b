/** The prose of the machine's header, for `spec.modelled` and `spec.leftOut` (keep the two in step). */

export const SOURCES = [
  'seeds/004_daa8b9554fec6242.txt',
  'seeds/001_0dcb9bc7f64d5e22.txt',
  'linux 2.6.32.2 net/ipv4/tcp.c (tcp_recvmsg), net/ipv4/tcp_input.c (tcp_dma_try_early_copy, tcp_rcv_established, tcp_copy_to_iovec)',
  'linux 2.6.32.2 net/ipv4/tcp_ipv4.c (tcp_v4_rcv), include/net/tcp.h (tcp_prequeue), include/net/sock.h (sock_rcvlowat, sk_eat_skb, sk_wait_event)',
  'linux 2.6.32.2 net/core/sock.c (sk_wait_data, release_sock), net/core/user_dma.c, drivers/dma/iovlock.c, include/linux/dmaengine.h, drivers/dma/ioat/dma_v2.c',
  'read from github.com/mini2440/FriendlyARM.linux-2.6.32.2; user_dma.c also at torvalds/linux@0612ec48',
  'kernel-facts.md sections 4 and 5; 77873803363c "net_dma: mark broken"',
  '73852e8151b7 "NET_DMA: free skbs periodically" (Magnani, 2010) and 15c041759bfc "tcp: flush DMA queue before sk_wait_data if rcv_wnd is zero" ' +
    '(Kubecek): both messages and 15c041759bfc\'s diff read (git.zx2c4.com/linux-dev, a stable backport); 73852e8151b7\'s own diff was not ' +
    'found, so its variant follows the 3.x tcp_recvmsg that contains it (a third-party copy): issue after each copy and before waiting, ' +
    'tcp_service_net_dma(sk, false) after',
  'cost model: linux 2.6.32.2 net/core/sock.c (sk_init, SO_RCVBUF), net/core/skbuff.c (__alloc_skb), net/ipv4/tcp_output.c (__tcp_select_window), ' +
    'drivers/net/gianfar.c, drivers/net/igb/igb_main.c, drivers/dma/fsldma.c (tx_submit, issue_pending, the interrupt and cleanup paths)',
];

export const MODELLED =
  'One tcp_recvmsg call with the softirq receive path as its environment. Entry: lock_sock, target = sock_rcvlowat(MSG_WAITALL, len), ' +
  'and the pin decision with its five conditions (available < target, len > copybreak, !MSG_PEEK, !tcp_low_latency, a DMA channel), ' +
  'recorded by the first that fails. The copy loop, one skb per step: a DMA copy returning a cookie (the skb then waits, still ' +
  'charged, on sk_async_wait_queue) or a CPU copy; MSG_PEEK copies from peek_seq and eats nothing. The queue-empty branch: break, or ' +
  'install the prequeue reader and release the socket, whose backlog runs in the reader\'s context (early copy, or the CPU-copy ' +
  'fallback tcp_copy_to_iovec), then re-lock or sleep in sk_wait_data. Segments arriving (length class, PSH, checksum verified by the ' +
  'NIC): queued before the call, on the backlog while the reader owns the socket, and through the softirq while it sleeps: the early ' +
  'copy (in order, hardware-verified, within ucopy.len; waking on ucopy.len == 0, PSH or rmem > rcvbuf/2), the prequeue, or the queue. ' +
  'DMA descriptors pending until issued (2.6.32.2: by the exit or the ioat2 pending threshold; with 73852e8151b7 also after each copy-loop ' +
  'DMA and before waiting) and completed in cookie order; with 73852e8151b7 the reader frees completed sk_async_wait_queue skbs after every ' +
  'wait, and with 15c041759bfc it drains them first when it would wait on a zero window; another thread ' +
  'forking while the buffer is pinned (offered while the reader owns the socket, where every CPU copy into the pinned buffer starts), and ' +
  'the copy-on-write fault a CPU copy then takes; wake-ups and a signal; the exit ' +
  '(issue and wait for the last cookie, purge sk_async_wait_queue, unpin, tcp_cleanup_rbuf, release_sock). Bytes are tracked ' +
  'exactly: user-buffer slot i holds the stream offset that landed there and how (cpu, dma-pending, dma, or lost in a stale frame). ' +
  'The receive window: a segment arrives only while the memory charged to the socket (receive queue, charged skbs on ' +
  'sk_async_wait_queue, backlog and prequeue) is below sk_rcvbuf, so a read can close the window on itself; the sender is fair. ' +
  'Variants: net-dma-off; net-dma-2.6.32.2 as shipped, which hangs behind a zero window when the target is more than sk_rcvbuf ' +
  'holds charged and loses bytes to a stale mapping after a fork; the same with 73852e8151b7 ("NET_DMA: free skbs periodically") and ' +
  'then also 15c041759bfc ("tcp: flush DMA queue before sk_wait_data if rcv_wnd is zero"), the upstream fixes of the hang; ' +
  'net-dma-drain-on-fallback, both fixes plus the CPU-copy fallback drain that 77873803363c weighed and rejected, on which every ' +
  'property holds; and eight seeded bugs, one for each clause of a safety property that no kernel above violates (the exit\'s ' +
  'wait for cookies, its single unpin, the pin decision\'s MSG_PEEK, copybreak and tcp_low_latency tests, and the early copy\'s ' +
  'in-order, ucopy.len and checksum tests).';

export const LEFT_OUT =
  'Later kernels\' other NET_DMA changes (59ea33a68a90 restricted the early copy to the reader\'s context): the versions are ' +
  '2.6.32.2 with the named fixes applied. Out-of-order segments, loss, the slow path, urgent data, FIN, MSG_TRUNC, nonblocking ' +
  'reads, tcp_prune_queue and window scaling: none changes the DMA decision or the early copy\'s stop conditions. The receive timeout, which wakes ' +
  'and breaks exactly as the signal does (-EAGAIN instead of -EINTR) and which iperf does not set. Several readers on one socket ' +
  '(CVE-2019-3837) and descriptor allocation failure. Copy-on-write faults caused by other threads writing into a buffer page: no ' +
  'fix inside TCP survives them (they need mm\'s early copy of pinned pages at fork); the model\'s fault is the one in 77873803363c\'s ' +
  'trace, taken by the reader\'s own CPU-copy fallback. One descriptor per copy call, truesize as payload plus one unit, and a ' +
  '4-unit message (params.ts).';
