/**
 * Lockstep between the machine and the bytes: fast-check drives the
 * cm-checksum machine with its own events, and whenever the machine
 * decides a packet's fate, the reference implementation carries a real
 * packet through the same treatment (skip or compute, the ip_summed mark,
 * deliver or forward) and the same corruption, and must reach the same
 * fate. This checks the machine's abstraction of checksums and CRCs
 * (valid, stale, absent; VCRC or ICRC; CHECKSUM_PARTIAL completed by the
 * gateway's egress path) against real ones.
 *
 * Each comparison is recorded as a coverage key (path, fate, mark,
 * corruption point), so tests can require that the runs reached the cases
 * that matter, above all a corrupted packet accepted because it was
 * trusted: the design's central claim.
 */
import fc from 'fast-check';
import type { AnyMachineSnapshot } from 'xstate';
import { XStateSuccessors } from '../../src/explore/xstate-successors.js';
import { checkParams } from '../../src/model/params.js';
import { carry, type Corruption, type FabricChecks, type Treatment } from '../../src/impl/cm-checksum/fabric.js';
import { BTH, LRH } from '../../src/impl/cm-checksum/ib-packet.js';
import { HEADERS } from '../../src/impl/cm-checksum/tcp-ip.js';
import { cmChecksumMachine } from '../../models/cm-checksum/cm-checksum.machine.js';
import { params } from '../../models/cm-checksum/params.js';
import type { Behaviour } from '../../models/cm-checksum/variants.js';
import { CORRUPTION_POINTS, eventsAt, type CmEvent, type CorruptionPoint } from '../../models/cm-checksum/events.js';
import { CAPS, type CmContext, type CmInput, type Outcome } from '../../models/cm-checksum/context.js';

export interface LockstepModel {
  snap: AnyMachineSnapshot;
  readonly succ: XStateSuccessors;
}

/** The byte-level side: the packet in flight, what has been done to it, and what the run exercised. */
export interface LockstepReal {
  payload: Uint8Array;
  corruption: Corruption | null;
  treatment: Treatment;
  readonly checks: FabricChecks;
  /** One key per fate compared: `${via} ${fate} ${mark} ${corruption point or 'clean'}`. */
  readonly coverage: Map<string, number>;
}

export const coverageKey = (via: string, fate: string, summed: string, at: string | null) => `${via} ${fate} ${summed} ${at ?? 'clean'}`;

const ctx = (s: AnyMachineSnapshot) => s.context as CmContext;

/** Enabled events at the model's state, cached per snapshot (check and run both need them). */
const enabledCache = new WeakMap<AnyMachineSnapshot, readonly CmEvent[]>();
function enabled(m: Readonly<LockstepModel>): readonly CmEvent[] {
  let list = enabledCache.get(m.snap);
  if (!list) {
    const key = m.succ.key(m.snap);
    // eventsAt is a superset of the enabled events (test/models/cm-checksum/events.test.ts): the machine decides.
    list = eventsAt(ctx(m.snap)).filter((e) => {
      const next = m.succ.step(m.snap, e);
      return next !== m.snap && m.succ.key(next) !== key;
    });
    enabledCache.set(m.snap, list);
  }
  return list;
}

const steps = (m: Readonly<LockstepModel>) => enabled(m).filter((e) => e.type !== 'CORRUPT');

/** The bytes a machine step stands for: a payload when it sends, a bit when it corrupts. */
interface Bytes {
  readonly payload: Uint8Array;
  readonly bit: number;
  readonly packet: number;
}

function apply(m: LockstepModel, r: LockstepReal, e: CmEvent, bytes: Bytes): void {
  const before = ctx(m.snap);
  m.snap = m.succ.step(m.snap, e);
  const after = ctx(m.snap);
  if ((e.type === 'SEND' || e.type === 'SEND_UD') && after.pkt) {
    // UD messages are one IB packet: 2048 bytes less the IPoIB, IP and TCP headers.
    r.payload = e.type === 'SEND_UD' ? bytes.payload.subarray(0, 2004) : bytes.payload;
    r.corruption = null;
    r.treatment = { via: after.pkt.via, dst: after.pkt.dst, skip: after.pkt.csum === 'absent', summed: 'none' };
  }
  if (e.type === 'CORRUPT') r.corruption = corruptionFor(e.at, r, bytes);
  if (e.type === 'RECEIVE' && after.pkt) r.treatment = { ...r.treatment, summed: after.pkt.summed };
  if (after.outcome !== before.outcome && after.outcome !== null) compare(after.outcome, r);
}

/**
 * The machine's corruptions in bytes. Memory: one bit of the TCP payload
 * (the machine's "checksum" is the TCP checksum). Link: one bit anywhere.
 * Switch: one bit of the four bytes after the transport headers, a field the
 * ICRC covers (the machine's switch corruption is one the ICRC must see;
 * a flip of the VL or resv8a alone is harmless, integrity.test.ts).
 */
function corruptionFor(at: CorruptionPoint, r: LockstepReal, b: Bytes): Corruption {
  if (at === 'sender-memory' || at === 'receiver-memory') {
    return { at, packet: 0, start: HEADERS * 8 + (b.bit % (r.payload.length * 8)), pattern: [0] };
  }
  if (at === 'switch') return { at, packet: b.packet, start: (LRH + BTH) * 8 + (b.bit % 32), pattern: [0] };
  return { at, packet: b.packet, start: b.bit, pattern: [0] };
}

function compare(machine: Outcome, r: LockstepReal): void {
  if (machine.fate === 'flushed') return;
  const bytes = carry(r.payload, r.treatment, r.corruption ?? undefined, r.checks);
  if (bytes.fate !== machine.fate) {
    throw new Error(
      `the machine says ${machine.fate} but the bytes say ${bytes.fate}` +
        ` (detected by ${bytes.detectedBy ?? 'nothing'}; treatment ${JSON.stringify(r.treatment)}; corruption ${JSON.stringify(r.corruption)})`,
    );
  }
  const key = coverageKey(r.treatment.via, machine.fate, r.treatment.summed, r.corruption?.at ?? null);
  r.coverage.set(key, (r.coverage.get(key) ?? 0) + 1);
}

const show = (e: CmEvent, b: Bytes) =>
  `${JSON.stringify(e)}${e.type === 'SEND' || e.type === 'SEND_UD' ? ` ${b.payload.length} bytes` : e.type === 'CORRUPT' ? ` bit ${b.bit}` : ''}`;

/**
 * One step of the machine: the `choice`-th of the events enabled at the
 * current state other than a corruption (CorruptCommand decides those, with
 * its own weights), so every command makes progress.
 */
export class StepCommand implements fc.Command<LockstepModel, LockstepReal> {
  private chosen: CmEvent | null = null;

  constructor(
    readonly choice: number,
    readonly bytes: Bytes,
  ) {}

  check(m: Readonly<LockstepModel>): boolean {
    this.chosen = null; // a display field only: toString must not show a choice from an earlier run
    return steps(m).length > 0;
  }

  run(m: LockstepModel, r: LockstepReal): void {
    const list = steps(m);
    this.chosen = list[this.choice % list.length];
    apply(m, r, this.chosen, this.bytes);
  }

  toString(): string {
    return this.chosen ? show(this.chosen, this.bytes) : `step(${this.choice})`;
  }
}

/**
 * A corruption at one point, whenever the machine allows one there: without
 * it a uniform choice among enabled events rarely corrupts, and even more
 * rarely after RECEIVE, where a trusted packet is exposed.
 */
export class CorruptCommand implements fc.Command<LockstepModel, LockstepReal> {
  constructor(
    readonly at: CorruptionPoint,
    readonly bytes: Bytes,
  ) {}

  private event(m: Readonly<LockstepModel>): CmEvent | undefined {
    return enabled(m).find((e) => e.type === 'CORRUPT' && e.at === this.at);
  }

  check(m: Readonly<LockstepModel>): boolean {
    return this.event(m) !== undefined;
  }

  run(m: LockstepModel, r: LockstepReal): void {
    apply(m, r, this.event(m)!, this.bytes);
  }

  toString(): string {
    return show({ type: 'CORRUPT', at: this.at }, this.bytes);
  }
}

const bytesArb = fc.record({ payload: fc.uint8Array({ minLength: 1, maxLength: 9000 }), bit: fc.nat(), packet: fc.nat({ max: 8 }) });

export function lockstepCommands() {
  const step = fc.record({ choice: fc.nat(), bytes: bytesArb }).map(({ choice, bytes }) => new StepCommand(choice, bytes));
  // Memory (where a trusted packet is exposed) more often than the wire: A's twice, B's three times as often as a link or a switch.
  const at = fc.constantFrom<CorruptionPoint>(...CORRUPTION_POINTS, 'sender-memory', 'receiver-memory', 'receiver-memory');
  const corrupt = fc.record({ at, bytes: bytesArb }).map(({ at, bytes }) => new CorruptCommand(at, bytes));
  return fc.commands([step, step, step, corrupt], { maxCommands: 80, size: 'max' });
}

/** Capabilities, half of the time 'on': the agreed connection is the case the design is about. */
const cap = fc.oneof(fc.constant(CAPS[0]), fc.constantFrom(...CAPS));
export const lockstepInput: fc.Arbitrary<CmInput> = fc.record({ capA: cap, capB: cap });

/**
 * The machine's parameters for lockstep: the check bounds, with a second
 * corruption per run (the range allows it), so one run can show a packet
 * damaged on the wire and the next one damaged in memory.
 */
const LOCKSTEP_PARAMS = { ...checkParams(params), maxCorruptions: 2 };

/**
 * The fast-check property: for this variant, the machine and the bytes
 * agree on every packet's fate. `coverage` accumulates what was compared
 * across runs; `checks` can seed a fault on the byte side.
 */
export function lockstepProperty(b: Behaviour, coverage = new Map<string, number>(), checks: FabricChecks = { icrc: true }) {
  const machine = cmChecksumMachine(LOCKSTEP_PARAMS, b);
  return fc.property(lockstepInput, lockstepCommands(), (input, cmds) => {
    const succ = new XStateSuccessors({ machine, inputs: [input], events: () => [] });
    const real: LockstepReal = {
      payload: new Uint8Array(1),
      corruption: null,
      treatment: { via: 'rc', dst: 'host', skip: false, summed: 'none' },
      checks,
      coverage,
    };
    fc.modelRun(() => ({ model: { snap: succ.initial()[0], succ }, real }), cmds);
  });
}
