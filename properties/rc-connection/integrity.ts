/**
 * The data-integrity oracle, on bytes: what the application received
 * against what it sent. Every delivered datagram must be byte-identical to
 * the message whose completion delivered it, no message may arrive twice,
 * messages must arrive in the order they were posted on their connection,
 * and a message the sender saw flushed, failed or dropped, or the receiver
 * dropped, must never arrive.
 */
import type { RcLink } from '../../src/impl/rc-connection/link.js';

function firstDifference(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return i;
  return a.length === b.length ? -1 : n;
}

const TX_END: Record<string, string> = { x: 'dropped by the sender', e: 'failed', f: 'flushed', l: 'freed uncompleted', '!': 'ended twice' };

/** Every way the deliveries so far break integrity; empty when they do not. */
export function integrityProblems(link: RcLink): string[] {
  const problems: string[] = [];
  const delivered = new Set<number>();
  const lastOnQp = new Map<number, number>();
  for (const d of link.receiver.socket) {
    const sent = link.sent[d.seq];
    const at = firstDifference(d.payload, sent);
    if (at >= 0) {
      problems.push(`message ${d.seq} arrived as ${d.payload.length} bytes (${d.path}) that differ from the ${sent.length} sent, from byte ${at}`);
    }
    if (delivered.has(d.seq)) problems.push(`message ${d.seq} arrived twice`);
    delivered.add(d.seq);
    const order = link.sender.postedOn.get(d.qpn) ?? [];
    const idx = order.indexOf(d.seq);
    if (idx < 0) problems.push(`message ${d.seq} arrived on QP ${d.qpn}, which it was never posted on`);
    else if (idx <= (lastOnQp.get(d.qpn) ?? -1)) problems.push(`message ${d.seq} arrived out of posting order on QP ${d.qpn}`);
    lastOnQp.set(d.qpn, idx);
    const txEnd = link.sender.ends.get(d.seq);
    if (txEnd) problems.push(`message ${d.seq} arrived although the sender saw it ${TX_END[txEnd]}`);
    if (link.receiver.ends.get(d.seq) === 'r') problems.push(`message ${d.seq} arrived although the receiver dropped it`);
  }
  return problems;
}
