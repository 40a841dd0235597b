/**
 * cm-checksum against its manifest, and the stories its counterexamples
 * tell: for each variant, the shortest counterexample's length and the
 * events in order, and the witness the docs show as the cost of the design.
 */
import { describe, expect, test } from 'vitest';
import { modelSuite } from '../../support/model-suite.js';
import { check } from '../../../src/explore/check.js';
import type { CheckResult } from '../../../src/explore/result.js';
import type { Trace } from '../../../src/trace/types.js';
import { spec } from '../../../models/cm-checksum/index.js';
import type { CmContext } from '../../../models/cm-checksum/context.js';
import { COST_WITNESS } from '../../../properties/cm-checksum/cost-of-design.js';

const results = modelSuite(spec);

function result(variant: string): CheckResult {
  return results.get(variant) ?? check(spec, { variant });
}

function counterexample(variant: string, property: string): Trace {
  const r = result(variant);
  const v = r.kind === 'violated' ? r.violations.find((x) => x.property === property) : undefined;
  if (!v?.trace) throw new Error(`${variant} has no counterexample for ${property}`);
  return v.trace;
}

const types = (t: Trace) => t.steps.map((s) => s.event.type);
const last = (t: Trace) => t.steps[t.steps.length - 1].state.context as CmContext;
const CONNECT = ['SET_MODE_CONNECTED', 'REQ', 'REQ_RECEIVED', 'REP_RECEIVED'];

describe('cm-checksum: the shortest counterexamples', () => {
  test('bug-skip-on-own-capability: A skips towards a peer whose REP did not agree, 5 steps', () => {
    const t = counterexample('bug-skip-on-own-capability', 'checksumSkippedOnlyTowardsAgreeingPeer');
    expect(types(t)).toEqual([...CONNECT, 'SEND']);
    expect(t.input).toMatchObject({ capA: 'on' });
    expect((t.input as { capB: string }).capB).not.toBe('on');
    const c = last(t);
    expect(c.exchange).toEqual({ req: true, rep: false });
    expect(c.pkt).toMatchObject({ via: 'rc', csum: 'absent', agreed: false });
  });

  test('bug-negotiation-kept-across-reconnect: the second connection inherits the first one\'s agreement, 10 steps', () => {
    const t = counterexample('bug-negotiation-kept-across-reconnect', 'negotiationFromOwnExchange');
    expect(types(t)).toEqual([...CONNECT, 'RTU_RECEIVED', 'CONN_ERROR', 'SET_CAP', 'REQ', 'REQ_RECEIVED', 'REP_RECEIVED']);
    const c = last(t);
    expect(c.txAgreed).toBe(true);
    expect(c.exchange?.req && c.exchange.rep).toBe(false);
  });

  test('bug-ud-marked-verified: a datagram-mode packet is marked CHECKSUM_UNNECESSARY, 3 steps', () => {
    const t = counterexample('bug-ud-marked-verified', 'trustOnlyOnAgreedConnection');
    expect(types(t)).toEqual(['SEND_UD', 'TRANSMIT', 'RECEIVE']);
    expect(last(t).pkt).toMatchObject({ via: 'ud', trusted: true });
  });

  test('bug-gateway-no-regenerate: a packet leaves the fabric without the checksum A skipped, 8 steps', () => {
    const t = counterexample('bug-gateway-no-regenerate', 'forwardedPacketsCarryChecksum');
    expect(types(t)).toEqual([...CONNECT, 'SEND', 'TRANSMIT', 'RECEIVE', 'NETIF_RECEIVE']);
    expect(t.steps[4].event).toEqual({ type: 'SEND', dst: 'ethernet' });
    expect(t.steps[t.steps.length - 1].state.value).toMatchObject({ skb: 'onEthernet' });
    expect(last(t).pkt?.csum).toBe('absent');
  });

  test('bug-reject-peer-without-capability: a capable end and an old driver reconnect forever, never delivering', () => {
    const t = counterexample('bug-reject-peer-without-capability', 'capableEndKeepsWorkingWithOldDriver');
    expect(t.input).toEqual({ capA: 'on', capB: 'old' });
    expect(types(t)).toEqual([...CONNECT, 'REJ_RECEIVED']);
    expect(t.loop).toEqual({ start: 1, stutter: false, from: 1 });
  });

  test('upstream-2008: two capable ends run connected forever and never skip a checksum', () => {
    const t = counterexample('upstream-2008', 'capableEndsEventuallySkipChecksum');
    expect(t.input).toEqual({ capA: 'on', capB: 'on' });
    expect(types(t)).toEqual([...CONNECT, 'RTU_RECEIVED', 'SEND', 'TRANSMIT', 'RECEIVE', 'NETIF_RECEIVE', 'SEND']);
    expect(t.loop?.stutter).toBe(false);
    expect(t.steps.every((s) => (s.state.context as CmContext).txAgreed === false)).toBe(true);
  });

  test('upstream-cm-sg: connected mode keeps NETIF_F_SG without a checksum feature, 1 step', () => {
    const t = counterexample('upstream-cm-sg', 'scatterGatherOnlyWithChecksum');
    expect(types(t)).toEqual(['SET_MODE_CONNECTED']);
    expect(last(t).featuresA).toEqual({ ipCsum: false, sg: true });
  });
});

describe('cm-checksum: the cost of the design, as a witness', () => {
  test('ib-crc-negotiation: memory corruption after the checksum point is accepted as good, 9 steps', () => {
    const r = result('ib-crc-negotiation');
    expect(r.kind).toBe('holds');
    const w = r.witnesses.find((x) => x.goal === 'corruptionAcceptedAsGood');
    expect(w).toBeDefined();
    const t = w!.trace;
    expect(t.steps).toHaveLength(9);
    expect(t.input).toEqual({ capA: 'on', capB: 'on' });
    const corrupt = t.steps.find((s) => s.event.type === 'CORRUPT')!;
    expect(['sender-memory', 'receiver-memory']).toContain((corrupt.event as unknown as { at: string }).at);
    expect(last(t).outcome).toEqual({ fate: 'accepted-corrupt', via: 'rc' });
    // The docs replay this witness from properties/cm-checksum/cost-of-design.ts: it must be the checker's.
    expect({ input: t.input, events: t.steps.map((s) => s.event) }).toEqual(COST_WITNESS);
  });

  test('upstream-2008: the same corruption never gets past the end-to-end checksum', () => {
    const r = result('upstream-2008');
    expect(r.verdicts.find((v) => v.property === 'corruptionAcceptedAsGood')?.verdict).toBe('unreached');
  });
});
