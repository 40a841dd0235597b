/**
 * fast-check commands that drive the reference implementation and the
 * machine in lockstep. Each command's precondition asks the machine whether
 * its step is enabled; `run` takes the step in the implementation, which
 * decides the outcome where the world would (an ACK or an RNR NAK, the size
 * class of the polled packet), feeds that same event to the machine, and
 * asserts that the implementation's abstract state equals the machine's and
 * that no delivered byte is wrong.
 */
import fc from 'fast-check';
import type { AnyMachineSnapshot, EventObject } from 'xstate';
import { eventKey } from '../../src/explore/key.js';
import type { XStateSuccessors } from '../../src/explore/xstate-successors.js';
import type { ModelInstance } from '../../src/model/spec.js';
import type { RcParams } from '../../models/rc-connection/params.js';
import { IPOIB_ENCAP_LEN } from '../../src/impl/rc-connection/constants.js';
import type { RcLink, TxName } from '../../src/impl/rc-connection/link.js';
import { abstractState } from './abstraction.js';
import { integrityProblems } from './integrity.js';

/** The machine side of the lockstep: its instance and parameters, stepper and current snapshot. */
export interface Machine {
  readonly instance: ModelInstance;
  readonly params: RcParams;
  readonly succ: XStateSuccessors;
  s: AnyMachineSnapshot;
}

export class LockstepError extends Error {}

function enabled(m: Machine, e: EventObject): boolean {
  const k = eventKey(e);
  return m.instance.events(m.s).some((x) => eventKey(x) === k);
}

/** Steps the machine with an event the implementation has just taken, and compares the two. */
function follow(m: Machine, link: RcLink, e: EventObject): void {
  if (!enabled(m, e)) {
    throw new LockstepError(`the implementation took ${JSON.stringify(e)}, which the machine does not allow here`);
  }
  m.s = m.succ.step(m.s, e);
  const a = abstractState(link, m.params.max_sends);
  const want = JSON.stringify({ value: m.s.value, context: m.s.context });
  const got = JSON.stringify(a);
  if (want !== got) throw new LockstepError(`after ${JSON.stringify(e)} the implementation is\n  ${got}\nbut the machine is\n  ${want}`);
  const problems = integrityProblems(link);
  if (problems.length > 0) throw new LockstepError(`after ${JSON.stringify(e)}: ${problems.join('; ')}`);
}

type Cmd = fc.Command<Machine, RcLink>;

/** netperf sends one message of `length` payload bytes. */
class AppSend implements Cmd {
  constructor(readonly length: number) {}
  check = (m: Readonly<Machine>) => enabled(m as Machine, { type: 'APP_SEND' });
  run(m: Machine, link: RcLink): void {
    link.appSend(this.length);
    follow(m, link, { type: 'APP_SEND' });
  }
  toString = () => `APP_SEND(${this.length} B)`;
}

type Simple = 'QDISC_RUN' | 'START' | 'REP_RECEIVED' | 'REJ_RECEIVED' | 'REAP' | 'REAP_TIMEOUT' | 'COPY';

const SIMPLE: Record<Simple, (link: RcLink) => void> = {
  QDISC_RUN: (l) => l.sender.qdiscRun(),
  START: (l) => l.sender.startTask(),
  REP_RECEIVED: (l) => l.sender.repHandler(),
  REJ_RECEIVED: (l) => l.rej(),
  REAP: (l) => l.sender.reap(),
  REAP_TIMEOUT: (l) => l.sender.reapTimeout(),
  COPY: (l) => l.receiver.copyAfterRepost(),
};

class Step implements Cmd {
  constructor(readonly type: Simple) {}
  check = (m: Readonly<Machine>) => enabled(m as Machine, { type: this.type });
  run(m: Machine, link: RcLink): void {
    SIMPLE[this.type](link);
    follow(m, link, { type: this.type });
  }
  toString = () => this.type;
}

type TxStepKind = 'HCA' | 'RNR_TIMER' | 'TX_WC' | 'DREQ_RECEIVED' | 'TIMEWAIT_EXIT';
const TX_NAMES: readonly TxName[] = ['neigh', 'reap0', 'reap1', 'reap2', 'reap3', 'reap4', 'reap5'];

/** A step on one tx: the `pick`-th (modulo) of those on which it is enabled, the neighbour's first. */
class TxStep implements Cmd {
  constructor(
    readonly kind: TxStepKind,
    readonly pick: number,
  ) {}
  private candidates(m: Machine): TxName[] {
    const types = this.kind === 'HCA' ? ['TRANSMIT', 'RNR_NAK', 'RETRY_EXC'] : [this.kind];
    return TX_NAMES.filter((tx) => types.some((type) => enabled(m, { type, tx } as EventObject)));
  }
  check = (m: Readonly<Machine>) => this.candidates(m as Machine).length > 0;
  run(m: Machine, link: RcLink): void {
    const c = this.candidates(m);
    const tx = c[this.pick % c.length];
    let type: string = this.kind;
    if (this.kind === 'HCA') type = link.hcaStep(tx);
    else if (this.kind === 'RNR_TIMER') link.rnrTimer(tx);
    else if (this.kind === 'TX_WC') link.sender.handleTxWc(link.tx(tx));
    else if (this.kind === 'DREQ_RECEIVED') link.dreq(tx);
    else link.timewaitExit(tx);
    follow(m, link, { type, tx } as EventObject);
  }
  // The HCA's outcome (ACK, RNR NAK, no answer) is decided when it runs; the error message names it.
  toString = () => `${this.kind === 'HCA' ? 'HCA_SEND' : this.kind}${this.pick ? `#${this.pick}` : ''}`;
}

/** The end of the replacement path: the new buffer is posted (RX_REFILL) or the old one reposted (RX_ALLOC_FAIL); with `postFails` that post fails. */
class Repost implements Cmd {
  constructor(
    readonly type: 'RX_REFILL' | 'RX_ALLOC_FAIL',
    readonly postFails: boolean,
  ) {}
  private event(): EventObject {
    return this.postFails ? ({ type: this.type, post: 'fails' } as EventObject) : { type: this.type };
  }
  check = (m: Readonly<Machine>) => enabled(m as Machine, this.event());
  run(m: Machine, link: RcLink): void {
    if (this.type === 'RX_REFILL') link.receiver.refill(this.postFails);
    else link.receiver.allocFail(this.postFails);
    follow(m, link, this.event());
  }
  toString = () => `${this.type}${this.postFails ? '(post fails)' : ''}`;
}

/**
 * The receiver polls a completion; `nomem`: the copybreak skb allocation
 * fails if the packet is small; `postFails`: the copybreak path's repost
 * fails (only where the variant allows post failures). Before stepping the
 * machine, the size class the implementation chose is checked against the
 * copybreak rule applied to what netperf sent: byte_len = payload + the
 * 4-byte IPoIB header, small when byte_len < copybreak.
 */
class RxPoll implements Cmd {
  constructor(
    readonly nomem: boolean,
    readonly postFails = false,
  ) {}
  check = (m: Readonly<Machine>) => enabled(m as Machine, { type: 'RX_WC', len: 'large' } as EventObject & { len: string });
  run(m: Machine, link: RcLink): void {
    const nomem = this.nomem && link.b.copybreak;
    const postFails = this.postFails && link.b.srqPostFails && link.b.copybreak && !link.b.repostBeforeCopy;
    const seq = link.receiver.cq[0].seq;
    const byteLen = link.sent[seq].length + IPOIB_ENCAP_LEN;
    const want = byteLen < m.params.copybreak ? 'small' : 'large';
    const len = link.receiver.poll(nomem, postFails);
    if (len !== want) {
      throw new LockstepError(`message ${seq} (byte_len ${byteLen}) took the ${len} path, but byte_len < IPOIB_CM_COPYBREAK (${m.params.copybreak}) makes it ${want}`);
    }
    const e: EventObject & { len: string; skb?: string; post?: string } = { type: 'RX_WC', len };
    if (len === 'small' && nomem) e.skb = 'nomem';
    else if (len === 'small' && postFails) e.post = 'fails';
    follow(m, link, e);
  }
  toString = () => `RX_WC${this.nomem ? '(small skb nomem)' : ''}${this.postFails ? '(copybreak post fails)' : ''}`;
}

/**
 * Payload lengths across the copybreak threshold: byte_len = length + 4 <
 * 256 is small, so 251 is the largest small payload and 252 the smallest
 * large one; both are drawn often so that every run can cross the boundary.
 * Also lengths around the 4084-byte head, and over several pages.
 */
export const payloadLength = fc.oneof(
  { weight: 3, arbitrary: fc.integer({ min: 1, max: 250 }) },
  { weight: 3, arbitrary: fc.constantFrom(251, 252) },
  { weight: 1, arbitrary: fc.constantFrom(253, 4079, 4080, 4081) },
  { weight: 3, arbitrary: fc.integer({ min: 253, max: 20_000 }) },
);

/** The steps, weighted so that traffic flows and faults stay occasional. */
export function commandArbitraries(): fc.Arbitrary<Cmd>[] {
  const step = (t: Simple) => fc.constant(new Step(t));
  const onTx = (k: TxStepKind) => fc.nat({ max: 3 }).map((i) => new TxStep(k, i));
  const w = (weight: number, arbitrary: fc.Arbitrary<Cmd>) => ({ weight, arbitrary });
  return [
    fc.oneof(
      w(6, payloadLength.map((n) => new AppSend(n))),
      w(10, onTx('HCA')),
      w(8, onTx('TX_WC')),
      w(10, fc.constant(new RxPoll(false))),
      w(1, fc.constant(new RxPoll(true))),
      w(1, fc.constant(new RxPoll(false, true))),
      w(8, fc.constant(new Repost('RX_REFILL', false))),
      w(6, step('START')),
      w(6, step('REP_RECEIVED')),
      w(3, step('QDISC_RUN')),
      w(3, step('REAP')),
      w(2, onTx('RNR_TIMER')),
      w(2, step('COPY')),
      w(1, step('REJ_RECEIVED')),
      w(1, onTx('DREQ_RECEIVED')),
      w(1, onTx('TIMEWAIT_EXIT')),
      w(1, step('REAP_TIMEOUT')),
      w(1, fc.constant(new Repost('RX_ALLOC_FAIL', false))),
      w(1, fc.constant(new Repost('RX_REFILL', true))),
      w(1, fc.constant(new Repost('RX_ALLOC_FAIL', true))),
    ),
  ];
}
