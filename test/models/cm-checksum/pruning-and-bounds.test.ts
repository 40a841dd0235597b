/**
 * What the checker's verdicts rest on besides the machine: the event
 * pruning (eventsAt offers a subset of the alphabet at each state; it must
 * lose no state), the check bounds (each is the smallest that decides what
 * it is there for: one less, and a variant's story disappears), and the
 * claim in the machine's header that capabilities 'off' and 'old' behave
 * alike.
 */
import { describe, expect, test } from 'vitest';
import { check } from '../../../src/explore/check.js';
import { compare } from '../../../src/explore/expected.js';
import { loadExpected } from '../../../src/explore/manifest-file.js';
import type { AnyModelSpec } from '../../../src/model/spec.js';
import { spec } from '../../../models/cm-checksum/index.js';
import { ALPHABET, eventsAt } from '../../../models/cm-checksum/events.js';
import { advertises, connectedFeatures, type CmContext } from '../../../models/cm-checksum/context.js';
import type { CmChecksumParams } from '../../../models/cm-checksum/params.js';

/** The model with a different event function, everything else equal. */
function withEvents(events: (c: CmContext) => readonly unknown[]): AnyModelSpec {
  return {
    ...spec,
    instantiate: (p, b) => ({ ...spec.instantiate(p, b), events: (s: { context: unknown }) => events(s.context as CmContext) }),
  } as AnyModelSpec;
}

const verdict = (variant: string, property: string, params: Partial<CmChecksumParams> = {}) =>
  check(spec, { variant, params }).verdicts.find((v) => v.property === property)?.verdict;

describe('cm-checksum: the event pruning loses no state', () => {
  const manifest = loadExpected(spec.id)!;
  const full = withEvents(() => ALPHABET);

  test('with the full alphabet at every state, every variant has the manifest\'s states, transitions, depth and verdicts', () => {
    for (const v of spec.variants) {
      expect(compare(check(full, { variant: v.name }), manifest.variants[v.name]), v.name).toEqual([]);
    }
  });

  test('seeded fault: a pruning that never offers a corruption while a packet carries no checksum loses states and the design\'s cost', () => {
    const lossy = withEvents((c) => (c.pkt?.csum === 'absent' ? eventsAt(c).filter((e) => e.type !== 'CORRUPT') : eventsAt(c)));
    const r = check(lossy, { variant: 'ib-crc-negotiation' });
    expect(r.stats.distinct).toBeLessThan(manifest.variants['ib-crc-negotiation'].states);
    expect(r.verdicts.find((v) => v.property === 'endToEndIntegrity')?.verdict).toBe('holds');
  });
});

describe('cm-checksum: each check bound is the smallest that decides its variants', () => {
  test('maxCmFaults 0: the CM failure paths (REJ, DREQ, completion errors, flushes) are never explored', () => {
    // Every safety and liveness verdict survives without CM failures (a connection also falls when the HCA drops a
    // damaged RC packet); the bound exists so that the properties are checked on the failure paths too.
    expect(verdict('ib-crc-negotiation', 'reconnectedAfterCmFailure', { maxCmFaults: 0 })).toBe('unreached');
    expect(verdict('ib-crc-negotiation', 'packetFlushedByConnectionError', { maxCmFaults: 0 })).toBe('unreached');
  });

  test('maxCorruptions 0: the cost of the design disappears', () => {
    expect(verdict('ib-crc-negotiation', 'endToEndIntegrity', { maxCorruptions: 0 })).toBe('holds');
  });

  test('maxCapChanges 0: neither a stale negotiation nor stale device features can arise', () => {
    expect(verdict('bug-negotiation-kept-across-reconnect', 'negotiationFromOwnExchange', { maxCapChanges: 0 })).toBe('holds');
    expect(verdict('bug-features-kept-on-capability-change', 'checksumOffloadOnlyWhileCapable', { maxCapChanges: 0 })).toBe('holds');
  });
});

describe("cm-checksum: capabilities 'off' and 'old' behave alike by design", () => {
  test('in every variant, neither advertises the flag and both leave A the same device features', () => {
    for (const v of spec.variants) {
      expect(advertises(v.behaviour, 'off'), v.name).toBe(false);
      expect(advertises(v.behaviour, 'old'), v.name).toBe(false);
      expect(connectedFeatures(v.behaviour, 'off'), v.name).toEqual(connectedFeatures(v.behaviour, 'old'));
    }
  });
});
