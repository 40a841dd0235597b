/**
 * The data-integrity property on real bytes: under any interleaving of
 * arrivals (corrupted ones included), reads, reader steps, DMA completions,
 * forks and signals, every read returns exactly the stream's next bytes as
 * the application sees them, and the read still in progress at the end
 * returns once the kernel and the sender run fairly. Built per variant;
 * fast-check's seed and path replay a failure.
 */
import fc from 'fast-check';
import type { TcpDmaBehaviour } from '../../models/tcp-dma/variants.js';
import { Session } from '../../src/impl/tcp-dma/session.js';
import type { SocketConfig } from '../../src/impl/tcp-dma/socket.js';
import { BUFFER_BYTES, COPYBREAK, PAGE } from './arbitraries.js';
import { initialView, readEventuallyReturns, sessionCommands } from './commands.js';

/** 2.6.32.2 on a 4 KiB-page host: copybreak 4096, ioat_pending_level 4, descriptors split at page edges. */
export const kernelConfig: SocketConfig = {
  pageBytes: PAGE,
  copybreak: COPYBREAK,
  // A small sk_rcvbuf (iperf -w 32K, doubled) so the early copy's receive-memory stop and a closed window happen in short runs.
  rcvbuf: 64 * 1024,
  pendingLevel: 4,
  // The payload in a 2 KiB or 4 KiB receive buffer plus the struct sk_buff.
  truesize: (len) => (len <= 2048 ? 2048 : Math.ceil(len / 4096) * 4096) + 256,
  splitAtPages: true,
};

export function integrityProperty(behaviour: TcpDmaBehaviour, options: { forks: boolean } = { forks: true }, cfg: SocketConfig = kernelConfig) {
  return fc.property(sessionCommands(options), (cmds) => {
    let real: Session | undefined;
    fc.modelRun(() => {
      real = new Session(cfg, behaviour, BUFFER_BYTES);
      return { model: initialView(), real };
    }, cmds);
    readEventuallyReturns(real!);
  });
}
