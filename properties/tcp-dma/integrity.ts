/**
 * The data-integrity property on real bytes: under any interleaving of
 * arrivals, reads, reader steps, DMA completions, forks and signals, every
 * read returns exactly the stream's next bytes as the application sees
 * them. Built per variant; fast-check's seed and path replay a failure.
 */
import fc from 'fast-check';
import type { TcpDmaBehaviour } from '../../models/tcp-dma/variants.js';
import { Session } from '../../src/impl/tcp-dma/session.js';
import type { SocketConfig } from '../../src/impl/tcp-dma/socket.js';
import { BUFFER_BYTES, COPYBREAK, PAGE } from './arbitraries.js';
import { commands, initialView } from './commands.js';

/** 2.6.32.2 on a 4 KiB-page host: copybreak 4096, ioat_pending_level 4, descriptors split at page edges. */
export const kernelConfig: SocketConfig = {
  pageBytes: PAGE,
  copybreak: COPYBREAK,
  // A small sk_rcvbuf (iperf -w 32K, doubled) so the early copy's receive-memory stop happens in short runs.
  rcvbuf: 64 * 1024,
  pendingLevel: 4,
  // The payload in a 2 KiB or 4 KiB receive buffer plus the struct sk_buff.
  truesize: (len) => (len <= 2048 ? 2048 : Math.ceil(len / 4096) * 4096) + 256,
  splitAtPages: true,
};

export function integrityProperty(behaviour: TcpDmaBehaviour, cfg: SocketConfig = kernelConfig) {
  return fc.property(commands, (cmds) => {
    fc.modelRun(() => ({ model: initialView(), real: new Session(cfg, behaviour, BUFFER_BYTES) }), cmds);
  });
}
