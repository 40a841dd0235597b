/**
 * Seed 001: why receive trails transmit when only transmit is zero-copy.
 * Two one-way streams over the same link on the same host class: a sender
 * whose CPU runs the transmit path with no copy (2.4's sendfile/sendpage,
 * zero copy since 2.4.4), and a receiver whose CPU runs the receive path and
 * one copy to the user. Each stream is a discrete-event pipeline (CPU,
 * link) fed as fast as its bottleneck allows.
 */
import { copyNs, wireNs } from '../cost-model.js';
import { EventQueue } from '../event-queue.js';
import { Server } from '../server.js';
import type { HostProfile } from './costs.js';

export interface OneCopyResult {
  readonly txGbps: number;
  readonly rxGbps: number;
  /** The bound a receive path with one more copy obeys: 1 / (1/tx + bytes/copy bandwidth). */
  readonly rxBoundGbps: number;
  readonly linkGbps: number;
}

export type ReceiveCopy = 'cpu-copy' | 'no-copy';

/** Bytes per second through a CPU-then-link (transmit) or link-then-CPU (receive) pipeline. */
function stream(profile: HostProfile, perPacketCpuNs: number, mss: number, packets: number): number {
  const q = new EventQueue();
  const cpu = new Server('cpu', q);
  const link = new Server('link', q);
  let done = 0;
  let last = 0;
  // Keep a few packets in flight (a socket buffer's worth): the slower stage sets the pace.
  const inflight = 32;
  const send = (i: number) => {
    if (i >= packets) return;
    cpu.serve(perPacketCpuNs, 'work', () =>
      link.serve(wireNs(profile.link, mss), 'wire', () => {
        done++;
        last = q.now;
        send(i + inflight);
      }),
    );
  };
  for (let i = 0; i < inflight; i++) send(i);
  q.run(Number.MAX_SAFE_INTEGER);
  return (done * mss) / (last / 1e9);
}

export function oneCopy(profile: HostProfile, receive: ReceiveCopy = 'cpu-copy', mss = 1448, packets = 20_000): OneCopyResult {
  const { host } = profile;
  const tx = stream(profile, host.txPacketNs, mss, packets);
  const rxCpu = host.rxPacketNs + (receive === 'cpu-copy' ? copyNs(host, mss) : 0);
  const rx = stream(profile, rxCpu, mss, packets);
  const bound = 1 / (1 / tx + 1 / (host.memcpyBytesPerNs * 1e9));
  const gbps = (bytesPerSec: number) => (bytesPerSec * 8) / 1e9;
  return { txGbps: gbps(tx), rxGbps: gbps(rx), rxBoundGbps: gbps(bound), linkGbps: profile.link.bitsPerSecond / 1e9 };
}
