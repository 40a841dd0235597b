/**
 * Parameters of the cm-checksum model. None of them is a kernel constant:
 * each is a bound on what the environment may do (inject CM failures,
 * corrupt a packet, change a capability), because the kernel places no
 * limit on these and an unbounded environment defeats both exhaustive
 * checking and weak fairness (an infinite run of REJs never lets REP
 * through). The default is the bound at which every property, goal and
 * variant of this model is decided; the check value is the same. Each is
 * the smallest that does so: test/models/cm-checksum/pruning-and-bounds.test.ts
 * lowers each by one and shows what is lost.
 */
import type { ParamDecls } from '../../src/model/params.js';

export type CmChecksumParams = {
  /** CM failures the environment may inject: REJ of a REQ or a REP, or a connection error (DREQ, completion error). */
  maxCmFaults: number;
  /** Packets the environment may corrupt (sender memory, link, switch, receiver memory). */
  maxCorruptions: number;
  /** Capability changes (ethtool, or a driver reload to an old or new driver) between connections. */
  maxCapChanges: number;
};

const ENV = 'environment bound, not a kernel constant (the kernel lets these happen any number of times)';
const WHY = 'not a kernel value: an environment bound, the same for checking and by default';

export const params: ParamDecls<CmChecksumParams> = {
  maxCmFaults: {
    kind: 'int',
    default: 1,
    check: 1,
    why: WHY,
    min: 0,
    max: 3,
    doc: 'CM failures injected: REJ (IB_CM_REJ_NO_QP, or the REP handler failing), DREQ or a send completion error tearing the connection down',
    source:
      `${ENV}. One failure is enough for a teardown and a reconnection; more only repeat the same states. With none, ` +
      'every safety and liveness verdict stands (a dropped RC packet also tears a connection down) but the REJ, DREQ and ' +
      'flush paths go unchecked, at a third of the states',
  },
  maxCorruptions: {
    kind: 'int',
    default: 1,
    check: 1,
    why: WHY,
    min: 0,
    max: 2,
    doc: 'packets corrupted, at one of four points: sender memory after the checksum point, a link, inside a switch, receiver memory before delivery',
    source: `${ENV}. One corruption shows every detection path (VCRC, ICRC, IP checksum, or none); with none, endToEndIntegrity holds everywhere. The byte-level tests vary it freely`,
  },
  maxCapChanges: {
    kind: 'int',
    default: 1,
    check: 1,
    why: WHY,
    min: 0,
    max: 2,
    doc: 'changes of an end\'s checksum capability (on, off, old driver) made while no connection exists',
    source: `${ENV}. One change between two connections is what a stale negotiated state or stale device features need to be wrong; with none, both bugs go uncaught`,
  },
};
