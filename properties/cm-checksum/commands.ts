/**
 * Lockstep between the machine and the bytes: fast-check drives the
 * cm-checksum machine with its own events, and whenever the machine
 * decides a packet's fate, the reference implementation carries a real
 * packet through the same treatment (skip or compute, trust or verify,
 * deliver or forward) and the same corruption, and must reach the same
 * fate. This checks the machine's abstraction of checksums and CRCs
 * (valid, stale, absent; VCRC or ICRC) against real ones.
 */
import fc from 'fast-check';
import type { AnyMachineSnapshot } from 'xstate';
import { XStateSuccessors } from '../../src/explore/xstate-successors.js';
import { checkParams } from '../../src/model/params.js';
import { carry, type Corruption, type Treatment } from '../../src/impl/cm-checksum/fabric.js';
import { HEADERS } from '../../src/impl/cm-checksum/tcp-ip.js';
import { cmChecksumMachine } from '../../models/cm-checksum/cm-checksum.machine.js';
import { params } from '../../models/cm-checksum/params.js';
import type { Behaviour } from '../../models/cm-checksum/variants.js';
import { ALPHABET, type CmEvent } from '../../models/cm-checksum/events.js';
import { CAPS, type CmContext, type CmInput, type Outcome } from '../../models/cm-checksum/context.js';

export interface LockstepModel {
  snap: AnyMachineSnapshot;
  readonly succ: XStateSuccessors;
}

/** The byte-level side: the packet in flight and what has been done to it. */
export interface LockstepReal {
  payload: Uint8Array;
  corruption: Corruption | null;
  treatment: Treatment;
  /** Fates compared so far (for reporting how much the run exercised). */
  compared: number;
}

const ctx = (s: AnyMachineSnapshot) => s.context as CmContext;

const changes = (m: Readonly<LockstepModel>, e: CmEvent) => {
  const next = m.succ.step(m.snap, e);
  return next !== m.snap && m.succ.key(next) !== m.succ.key(m.snap);
};

/**
 * One step of the machine: the `choice`-th of the events enabled at the
 * current state (so every command makes progress), with the bytes the real
 * side needs if that event sends or corrupts a packet.
 */
export class StepCommand implements fc.Command<LockstepModel, LockstepReal> {
  private chosen: CmEvent | null = null;

  constructor(
    readonly choice: number,
    readonly payload: Uint8Array,
    readonly bit: number,
    readonly packet: number,
    /** What the byte-level gateway does with a trusted packet (the machine's variant decides its own). */
    readonly gatewayRegenerates: boolean,
  ) {}

  check(m: Readonly<LockstepModel>): boolean {
    this.chosen = null; // a display field only: toString must not show a choice from an earlier run
    return ALPHABET.some((e) => changes(m, e));
  }

  run(m: LockstepModel, r: LockstepReal): void {
    const enabled = ALPHABET.filter((e) => changes(m, e));
    const e = enabled[this.choice % enabled.length];
    this.chosen = e;
    const before = ctx(m.snap);
    m.snap = m.succ.step(m.snap, e);
    const after = ctx(m.snap);
    if ((e.type === 'SEND' || e.type === 'SEND_UD') && after.pkt) {
      // UD messages are one IB packet: 2048 bytes less the IPoIB, IP and TCP headers.
      r.payload = e.type === 'SEND_UD' ? this.payload.subarray(0, 2004) : this.payload;
      r.corruption = null;
      r.treatment = { via: after.pkt.via, dst: after.pkt.dst, skip: after.pkt.csum === 'absent', trust: false, regenerate: this.gatewayRegenerates };
    }
    if (e.type === 'CORRUPT') {
      // Memory: one bit of the TCP payload (the machine's "checksum" is the TCP checksum). Wire: one bit anywhere.
      const memory = e.at === 'sender-memory' || e.at === 'receiver-memory';
      const start = memory ? HEADERS * 8 + (this.bit % (r.payload.length * 8)) : this.bit;
      r.corruption = { at: e.at, packet: this.packet, start, pattern: [0] };
    }
    if (e.type === 'RECEIVE' && after.pkt) r.treatment = { ...r.treatment, trust: after.pkt.trusted };
    if (after.outcome !== before.outcome && after.outcome !== null) compare(after.outcome, r);
  }

  toString(): string {
    const e = this.chosen;
    if (e === null) return `step(${this.choice})`;
    const extra = e.type === 'SEND' || e.type === 'SEND_UD' ? ` ${this.payload.length} bytes` : e.type === 'CORRUPT' ? ` bit ${this.bit}` : '';
    return `${JSON.stringify(e)}${extra}`;
  }
}

function compare(machine: Outcome, r: LockstepReal): void {
  if (machine.fate === 'flushed') return;
  const bytes = carry(r.payload, r.treatment, r.corruption ?? undefined);
  r.compared++;
  if (bytes.fate !== machine.fate) {
    throw new Error(
      `the machine says ${machine.fate} but the bytes say ${bytes.fate}` +
        ` (detected by ${bytes.detectedBy ?? 'nothing'}; treatment ${JSON.stringify(r.treatment)}; corruption ${JSON.stringify(r.corruption)})`,
    );
  }
}

export function lockstepCommands(gatewayRegenerates: boolean) {
  const step = fc
    .record({ choice: fc.nat(), payload: fc.uint8Array({ minLength: 1, maxLength: 9000 }), bit: fc.nat(), packet: fc.nat({ max: 8 }) })
    .map(({ choice, payload, bit, packet }) => new StepCommand(choice, payload, bit, packet, gatewayRegenerates));
  return fc.commands([step], { maxCommands: 60, size: 'max' });
}

export const lockstepInput: fc.Arbitrary<CmInput> = fc.record({ capA: fc.constantFrom(...CAPS), capB: fc.constantFrom(...CAPS) });

/**
 * The fast-check property: for this variant, the machine and the bytes
 * agree on every packet's fate. `stats.compared` counts the fates compared,
 * so a test can tell the runs did reach deliveries.
 */
export function lockstepProperty(b: Behaviour, stats = { compared: 0 }, gatewayRegenerates = !b.gatewayForwardsAsReceived) {
  return fc.property(lockstepInput, lockstepCommands(gatewayRegenerates), (input, cmds) => {
    const succ = new XStateSuccessors({ machine: cmChecksumMachine(checkParams(params), b), inputs: [input], events: () => ALPHABET });
    const real: LockstepReal = {
      payload: new Uint8Array(1),
      corruption: null,
      treatment: { via: 'rc', dst: 'host', skip: false, trust: false, regenerate: gatewayRegenerates },
      compared: 0,
    };
    fc.modelRun(() => ({ model: { snap: succ.initial()[0], succ }, real }), cmds);
    stats.compared += real.compared;
  });
}

