/**
 * What a violating state of tcp-dma shows, in the kernel's terms and with
 * its values: each property's `explain` (invariants.ts, liveness.ts). Every
 * function here reads the clauses of its property in the same order as its
 * `holds`, names the first that fails, and is total on any state (a throw
 * would be reported as a model definition error).
 */
import type { ModelState } from '../../src/model/spec.js';
import type { Cookie, TcpDmaContext } from '../../models/tcp-dma/context.js';
import { pageOf } from '../../models/tcp-dma/context.js';
import { truesize, type TcpDmaParams } from '../../models/tcp-dma/params.js';
import { rmemAlloc } from '../../models/tcp-dma/steps/rcv-established.js';
import { slotHow, slotOffset } from '../../models/tcp-dma/steps/user-buffer.js';

type S = ModelState<TcpDmaContext>;

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;
const units = (n: number) => plural(n, 'unit');
const span = (at: number, n: number) => (n === 1 ? `unit ${at}` : `units ${at}–${at + n - 1}`);
const list = (xs: string[]) => (xs.length <= 1 ? xs.join('') : `${xs.slice(0, -1).join(', ')} and ${xs[xs.length - 1]}`);

/** "cookie 1 (early copy of the skb at seq 0 into unit 0, issued)". */
export function describeCookie(k: Cookie, status = true): string {
  const path = k.path === 'early' ? 'early copy' : 'copy-loop DMA';
  return `cookie ${k.id} (${path} of the skb at seq ${k.skb} into ${span(k.at, k.n)}${status ? (k.issued ? ', issued' : ', never issued') : ''})`;
}

/** Where the reader is, in tcp_recvmsg's terms. */
function whereTheReaderIs(s: S): string {
  const c = s.context;
  const progress = `with copied ${c.copied} of target ${units(c.target)}`;
  if (s.matches('sleeping')) return `the reader sleeps in sk_wait_data ${progress}`;
  if (s.matches('locked')) return `the reader owns the socket in tcp_recvmsg's loop ${progress}`;
  if (s.matches('exiting')) return `the reader has left tcp_recvmsg's loop ${progress} and waits for its last cookie before returning`;
  if (s.matches('returned')) return `tcp_recvmsg has returned ${String(c.result)}`;
  return 'the application has not called recvmsg';
}

/** Why an skb held on sk_async_wait_queue is still there. */
function whyHeld(c: TcpDmaContext, seq: number, told?: number): string {
  const k = c.cookies.find((x) => x.skb === seq);
  if (k && k.id === told) return `held for cookie ${k.id}`;
  if (!k) return 'whose DMA copy completed, but only the reader frees it (tcp_service_net_dma) and the reader does not run';
  if (!k.issued) return `whose DMA copy (cookie ${k.id}) was never issued: only the reader calls dma_async_memcpy_issue_pending, from its loop or at its exit`;
  return `whose DMA copy (cookie ${k.id}) is still in flight`;
}

/** The receive window and what fills it: the sentence the zero-window hang needs. */
export function describeWindow(c: TcpDmaContext, p: TcpDmaParams, told?: number): string {
  const inflight = [...c.backlog, ...c.prequeue].reduce((a, x) => a + truesize(x.len), 0);
  const rmem = rmemAlloc(c);
  if (rmem + inflight < p.rcvbuf) {
    const left = p.messageLen - c.arrived;
    return left > 0
      ? `the receive window is open (sk_rmem_alloc ${rmem} of sk_rcvbuf ${p.rcvbuf} units) and ${units(left)} of the message remain to send`
      : `the receive window is open (sk_rmem_alloc ${rmem} of sk_rcvbuf ${p.rcvbuf} units) but the sender's whole ${units(p.messageLen)} message has arrived`;
  }
  const parts: string[] = [];
  const charged = c.asyncWait.filter((a) => a.charged);
  for (const a of charged) parts.push(`the skb at seq ${a.seq} (${units(a.len)}, truesize ${truesize(a.len)}) on sk_async_wait_queue, ${whyHeld(c, a.seq, told)}`);
  for (const q of c.queue) parts.push(`the skb at seq ${q.seq} (${units(q.len)}, truesize ${truesize(q.len)}) on sk_receive_queue`);
  if (inflight > 0) parts.push(`${units(inflight)} of segments on the backlog and prequeue`);
  const fill = rmem + inflight;
  const need = c.target > c.copied ? `the ${units(c.target - c.copied)} the reader still waits for` : 'more data';
  return `the receive window is 0 because charged skbs fill sk_rcvbuf: ${fill} of its ${p.rcvbuf} units are charged, by ${list(parts)}; so the sender cannot send ${need}`;
}

// ---------------------------------------------------------------- invariants

function describeUnit(c: TcpDmaContext, i: number): string {
  const s = c.ubuf[i];
  if (s === '') return `unit ${i} is not yet written`;
  const off = slotOffset(s);
  const how = slotHow(s);
  const page = pageOf(i);
  if (how === 'lost') {
    const covering = c.cookies.find((k) => i >= k.at && i < k.at + k.n);
    const by = covering ? `the ${covering.path === 'early' ? 'early' : 'copy-loop'} DMA copy (cookie ${covering.id})` : 'a DMA copy';
    const cpu = c.ubuf.findIndex((x, j) => pageOf(j) === page && x !== '' && slotHow(x) === 'cpu');
    const fault = cpu >= 0 ? `when the CPU copy into unit ${cpu} took a copy-on-write fault after the fork` : 'after a copy-on-write fault that followed the fork';
    return `unit ${i} (stream offset ${off}) is lost: ${by} writes it into the pinned frame of page ${page}, which the application stopped mapping ${fault} (the fault gave the application a new frame)`;
  }
  if (how === 'cpu')
    return `unit ${i} (stream offset ${off}) was copied by the CPU${c.remapped[page] ? ", which the application sees through its new frame of page " + page : " through the application's own mapping"}`;
  if (how === 'dma-pending') return `unit ${i} (stream offset ${off}) waits for a DMA copy into the still-mapped pinned page ${page}`;
  return `unit ${i} (stream offset ${off}) was written by DMA`;
}

export function explainUserBuffer(s: S): string {
  const c = s.context;
  const all = c.ubuf.map((_, i) => describeUnit(c, i));
  if (c.overrun > 0) {
    const k = c.cookies.find((x) => x.at + x.n > c.read.len);
    const by = k ? `: ${describeCookie(k)} runs past len` : '';
    return `${units(c.overrun)} written past the end of the ${c.read.len}-unit user buffer (the iovec is at ${c.pos})${by}`;
  }
  const lost = c.ubuf.map((x, i) => (i < c.pos && x !== '' && slotHow(x) === 'lost' ? i : -1)).filter((i) => i >= 0);
  if (lost.length > 0) return `in the ${c.ubuf.length}-unit user buffer (2 KiB units), ${all.join('; ')}`;
  for (let i = 0; i < c.ubuf.length; i++) {
    const x = c.ubuf[i];
    if (i < c.pos && x === '') return `unit ${i} is a gap: nothing wrote it, yet the iovec has advanced to ${c.pos}`;
    if (i < c.pos && slotOffset(x) !== i)
      return `unit ${i} holds stream offset ${slotOffset(x)}, not ${i}: the buffer's units hold stream offsets ${c.ubuf.slice(0, c.pos).map((y) => (y === '' ? '-' : slotOffset(y))).join(', ')}, not the stream's next bytes in order`;
    if (i >= c.pos && x !== '') return `unit ${i} holds stream offset ${slotOffset(x)} beyond the iovec position ${c.pos}`;
  }
  // The buffer is a prefix of the stream: the return clause fails.
  if (typeof c.result !== 'number')
    return `tcp_recvmsg returned ${String(c.result)}, yet copied_seq advanced by ${units(c.copiedSeq)}: those bytes left the stream without reaching the application`;
  if (c.result > c.read.len) return `tcp_recvmsg returned ${c.result}, more than len ${c.read.len}`;
  if (c.result !== c.pos) return `tcp_recvmsg returned ${c.result} but the iovec advanced by ${c.pos}`;
  const pending = c.ubuf.slice(0, c.result).map((x, i) => (slotHow(x) === 'dma-pending' ? i : -1)).filter((i) => i >= 0);
  if (pending.length > 0) {
    const ks = c.cookies.filter((k) => pending.some((i) => i >= k.at && i < k.at + k.n)).map((k) => describeCookie(k, false));
    return `tcp_recvmsg returned ${c.result} while ${list(pending.map((i) => `unit ${i}`))} still ${pending.length === 1 ? 'waits' : 'wait'} for ${list(ks) || 'a DMA copy'}: the application may read the buffer before the engine writes it`;
  }
  const want = c.read.peek ? 0 : c.result;
  return `tcp_recvmsg returned ${c.result} but copied_seq advanced by ${c.copiedSeq}, not ${want}${c.read.peek ? ' (a MSG_PEEK read must leave it alone)' : ''}`;
}

export function explainReturnsOnlyAfterEveryCookie(s: S): string {
  const c = s.context;
  return `tcp_recvmsg returned ${String(c.result)} with ${plural(c.cookies.length, 'DMA copy', 'DMA copies')} outstanding: ${list(c.cookies.map((k) => describeCookie(k)))}`;
}

export function explainSkbHeld(s: S): string {
  const c = s.context;
  const freed = c.cookies.filter((k) => !c.queue.some((q) => q.seq === k.skb) && !c.asyncWait.some((a) => a.seq === k.skb));
  return freed
    .map((k) => `the skb at seq ${k.skb} was freed (it is on neither sk_receive_queue nor sk_async_wait_queue) while ${describeCookie(k)} still reads it`)
    .join('; ');
}

export function explainDmaOnlyWhenEligible(s: S, p: TcpDmaParams): string {
  const c = s.context;
  const why: string[] = [];
  if (c.read.peek) why.push('the read is MSG_PEEK');
  if (c.read.len <= p.copybreak) why.push(`len ${units(c.read.len)} is not above tcp_dma_copybreak ${p.copybreak}`);
  if (c.read.lowLatency) why.push('sysctl_tcp_low_latency is set');
  for (const k of c.cookies) if (!k.verified) why.push(`neither the NIC nor software verified the checksum of the skb at seq ${k.skb} that cookie ${k.id} copies`);
  const ks = list(c.cookies.map((k) => describeCookie(k)));
  return `DMA ${c.cookies.length === 1 ? 'copy' : 'copies'} ${ks} ${c.cookies.length === 1 ? 'is' : 'are'} outstanding although ${list(why)}`;
}

export function explainPinned(s: S): string {
  const c = s.context;
  if (c.unpins > 1) return `dma_unpin_iovec_pages ran ${c.unpins} times for one dma_pin_iovec_pages: the pages' references are dropped twice`;
  if ((c.decision === 'pinned') !== (c.pinned !== 'never'))
    return `the pin decision was "${String(c.decision)}" but the pages are ${c.pinned === 'never' ? 'not pinned' : c.pinned}`;
  if (c.cookies.length > 0 && c.pinned !== 'pinned')
    return `the pages are ${c.pinned} while ${list(c.cookies.map((k) => describeCookie(k)))} still ${c.cookies.length === 1 ? 'writes' : 'write'} them: dma_unpin_iovec_pages ran before the copy completed`;
  if (s.matches('returned'))
    return c.unpins > 0
      ? `tcp_recvmsg unpinned pages it never pinned (decision "${String(c.decision)}")`
      : 'tcp_recvmsg returned with the pages still pinned: dma_unpin_iovec_pages never ran';
  return `the pages were unpinned before tcp_recvmsg returned (${c.unpins} unpin, the call still in progress)`;
}

export function explainEarlyCopy(s: S): string {
  const c = s.context;
  const bad: string[] = [];
  if (c.ucopyLen < 0) bad.push(`ucopy.len is ${c.ucopyLen}: tcp_dma_try_early_copy copied more than the read had left to ask for`);
  for (const k of c.cookies) {
    if (k.path !== 'early') continue;
    if (k.at !== k.skb) {
      const waiting = c.queue.length > 0 ? ` while ${list(c.queue.map((q) => `the skb at seq ${q.seq}`))} waits on sk_receive_queue` : '';
      bad.push(`${describeCookie(k)} is out of order: the skb at stream offset ${k.skb} went to buffer position ${k.at}${waiting}`);
    } else if (k.at + k.n > c.read.len) bad.push(`${describeCookie(k)} reaches past the ${c.read.len}-unit buffer`);
  }
  return bad.join('; ');
}

// ---------------------------------------------------------------- leads-to

export function explainBlockingRead(s: S, p: TcpDmaParams): string {
  const c = s.context;
  if (s.matches('returned')) return `tcp_recvmsg returned ${String(c.result)}, short of target ${c.target}, without a signal`;
  if (s.matches('sleeping') && c.woken) return `${whereTheReaderIs(s)}, runnable but never scheduled`;
  return `${whereTheReaderIs(s)}, and ${describeWindow(c, p)}`;
}

export function explainEveryCookie(s: S, p: TcpDmaParams): string {
  const c = s.context;
  const head = c.cookies[0];
  if (!head) return 'no DMA copy is outstanding';
  const stuck = head.issued
    ? `${describeCookie(head, false)} is with the engine`
    : `${describeCookie(head, false)} was never handed to the engine: ${plural(c.cookies.filter((k) => !k.issued).length, 'descriptor')} pending is not more than ioat_pending_level ${p.ioatPendingLevel}, and only the reader calls dma_async_memcpy_issue_pending`;
  return `${stuck}; ${whereTheReaderIs(s)}, and ${describeWindow(c, p, head.id)}`;
}
