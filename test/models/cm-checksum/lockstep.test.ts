/**
 * The machine against the bytes: fast-check drives each variant's machine
 * through its own events, and every packet fate the machine decides is
 * re-enacted on real bytes (real TCP checksums, real ICRC and VCRC, a real
 * skb_checksum_help at the gateway) with the same treatment and corruption.
 * They must agree, the runs must reach the cases each variant exists for
 * (above all a corrupted packet accepted because it was trusted), and a
 * byte-level gateway that behaves differently from the kernel's must be
 * caught.
 */
import { describe, expect, test } from 'vitest';
import fc from 'fast-check';
import { variants } from '../../../models/cm-checksum/variants.js';
import { coverageKey, lockstepProperty } from '../../../properties/cm-checksum/commands.js';

const SEED = 5_095_098;
const RUNS = 40;
const behaviour = (name: string) => variants.find((v) => v.name === name)!.behaviour;

/** What each variant's runs must have compared: path, fate, ip_summed mark, corruption point. */
const MUST_COVER: Record<string, readonly string[]> = {
  'ib-crc-negotiation': [
    // The central claim: a packet corrupted in memory past the checksum point, trusted, accepted.
    coverageKey('rc', 'accepted-corrupt', 'partial', 'sender-memory'),
    coverageKey('rc', 'accepted-corrupt', 'partial', 'receiver-memory'),
    coverageKey('rc', 'delivered', 'partial', 'clean'),
    // The same corruption without agreement: caught by the TCP checksum.
    coverageKey('rc', 'dropped-csum', 'none', 'sender-memory'),
    coverageKey('rc', 'dropped-csum', 'none', 'receiver-memory'),
    coverageKey('rc', 'dropped-vcrc', 'none', 'link'),
    coverageKey('rc', 'dropped-icrc', 'none', 'switch'),
    coverageKey('ud', 'delivered', 'none', 'clean'),
    coverageKey('ud', 'dropped-csum', 'none', 'receiver-memory'),
  ],
  'upstream-2008': [
    coverageKey('rc', 'delivered', 'none', 'clean'),
    coverageKey('rc', 'dropped-csum', 'none', 'sender-memory'),
    coverageKey('rc', 'dropped-csum', 'none', 'receiver-memory'),
  ],
  // A skipped checksum towards a peer that verifies: every such packet is dropped.
  'bug-skip-on-own-capability': [coverageKey('rc', 'dropped-csum', 'none', 'clean')],
  // A trusted UD packet corrupted in B's memory reaches the application.
  'bug-ud-marked-verified': [coverageKey('ud', 'accepted-corrupt', 'partial', 'receiver-memory'), coverageKey('ud', 'delivered', 'partial', 'clean')],
  // Forwarded CHECKSUM_UNNECESSARY: the Ethernet host drops what A never checksummed.
  'bug-gateway-no-regenerate': [coverageKey('rc', 'dropped-csum', 'unnecessary', 'clean'), coverageKey('rc', 'delivered', 'unnecessary', 'clean')],
  // After a capability change the cached agreement disagrees with the new exchange, both ways: a skipped checksum
  // verified by B; and a checksum A computed, marked CHECKSUM_PARTIAL by B, summed again at the gateway.
  'bug-negotiation-kept-across-reconnect': [coverageKey('rc', 'dropped-csum', 'none', 'clean'), coverageKey('rc', 'dropped-csum', 'partial', 'clean')],
  // Its refusals decide no fate (the liveness property catches them); what it does connect must still agree.
  'bug-reject-peer-without-capability': [coverageKey('rc', 'delivered', 'partial', 'clean'), coverageKey('rc', 'accepted-corrupt', 'partial', 'receiver-memory')],
};

describe('cm-checksum lockstep: machine and bytes agree on every packet, and the runs cover each variant\'s story', () => {
  for (const [name, keys] of Object.entries(MUST_COVER)) {
    test(name, () => {
      const coverage = new Map<string, number>();
      fc.assert(lockstepProperty(behaviour(name), coverage), { seed: SEED, numRuns: RUNS });
      expect([...coverage.keys()]).toEqual(expect.arrayContaining([...keys]));
    });
  }

  test('seeded fault: a gateway whose egress path leaves CHECKSUM_PARTIAL packets as they are disagrees with the machine', () => {
    // Shrinking command sequences with 9 KB payloads is slow and adds nothing here: the first failure is the evidence.
    const r = fc.check(lockstepProperty(behaviour('ib-crc-negotiation'), new Map(), { icrc: true, gatewayCompletesPartial: false }), {
      seed: SEED,
      numRuns: RUNS,
      endOnFailure: true,
    });
    expect(r.failed).toBe(true);
    expect(String(r.errorInstance)).toMatch(/the machine says (delivered|accepted-corrupt) but the bytes say dropped-csum/);
  });

  test('seeded fault: a receiving HCA that skips the ICRC disagrees with the machine on a switch corruption', () => {
    const r = fc.check(lockstepProperty(behaviour('upstream-2008'), new Map(), { icrc: false }), { seed: SEED, numRuns: RUNS, endOnFailure: true });
    expect(r.failed).toBe(true);
    expect(String(r.errorInstance)).toMatch(/the machine says dropped-icrc but the bytes say/);
  });
});
