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

  test('bug-ud-marked-verified: a datagram-mode packet is taken as verified on the strength of the IB CRC, 3 steps', () => {
    const t = counterexample('bug-ud-marked-verified', 'trustOnlyOnAgreedConnection');
    expect(types(t)).toEqual(['SEND_UD', 'TRANSMIT', 'RECEIVE']);
    expect(last(t).pkt).toMatchObject({ via: 'ud', summed: 'partial' });
  });

  test('bug-gateway-no-regenerate: CHECKSUM_UNNECESSARY is forwarded as it is, without the checksum A skipped, 8 steps', () => {
    const t = counterexample('bug-gateway-no-regenerate', 'forwardedPacketsCarryChecksum');
    expect(types(t)).toEqual([...CONNECT, 'SEND', 'TRANSMIT', 'RECEIVE', 'NETIF_RECEIVE']);
    expect(t.steps[4].event).toEqual({ type: 'SEND', dst: 'ethernet' });
    expect((t.steps[6].state.context as CmContext).pkt?.summed).toBe('unnecessary');
    expect(t.steps[t.steps.length - 1].state.value).toMatchObject({ skb: 'onEthernet' });
    expect(last(t).pkt?.csum).toBe('absent');
  });

  test('bug-reject-peer-without-capability: a capable end and a peer that turned the feature off reconnect forever, never delivering', () => {
    const t = counterexample('bug-reject-peer-without-capability', 'capableEndKeepsWorkingWithoutAgreement');
    expect(t.input).toEqual({ capA: 'on', capB: 'off' });
    expect(types(t)).toEqual([...CONNECT, 'REJ_RECEIVED']);
    expect(t.loop).toEqual({ start: 1, stutter: false, from: 1 });
  });

  test('bug-reject-peer-without-capability: B, capable, refuses an old active end in its REQ handler', () => {
    const r = result('bug-reject-peer-without-capability');
    expect(r.verdicts.find((v) => v.property === 'deliveredOnlyPassiveCapable')?.verdict).toBe('unreached');
    expect(result('ib-crc-negotiation').verdicts.find((v) => v.property === 'deliveredOnlyPassiveCapable')?.verdict).toBe('reached');
  });

  test('bug-features-kept-on-capability-change: A turns the capability off between connections and keeps NETIF_F_IP_CSUM, 7 steps', () => {
    const t = counterexample('bug-features-kept-on-capability-change', 'checksumOffloadOnlyWhileCapable');
    expect(types(t)).toEqual([...CONNECT, 'RTU_RECEIVED', 'CONN_ERROR', 'SET_CAP']);
    expect(t.steps[6].event).toEqual({ type: 'SET_CAP', end: 'A', cap: 'off' });
    expect(last(t)).toMatchObject({ capA: 'off', modeA: 'connected', featuresA: { ipCsum: true, sg: true } });
  });

  test('bug-features-kept-on-capability-change: A advertises without the offload, so B\'s CHECKSUM_PARTIAL is completed over A\'s full checksum, 14 steps', () => {
    const t = counterexample('bug-features-kept-on-capability-change', 'forwardedPacketsCarryChecksum');
    expect(t.input).toEqual({ capA: 'off', capB: 'on' });
    expect(types(t)).toEqual([...CONNECT, 'RTU_RECEIVED', 'CONN_ERROR', 'SET_CAP', 'REQ', 'REQ_RECEIVED', 'REP_RECEIVED', 'SEND', 'TRANSMIT', 'RECEIVE', 'NETIF_RECEIVE']);
    expect(last(t).featuresA.ipCsum).toBe(false);
    expect(last(t).pkt).toMatchObject({ agreed: true, corrupt: false, csum: 'stale' });
  });

  test('the violations pruning used to hide are reported, each with its own shortest counterexample', () => {
    const lengths = (variant: string) =>
      Object.fromEntries(result(variant).verdicts.filter((v) => v.verdict === 'violated').map((v) => [v.property, v.length]));
    expect(lengths('bug-skip-on-own-capability')).toMatchObject({ forwardedPacketsCarryChecksum: 8, capableEndKeepsWorkingWithoutAgreement: 10 });
    expect(lengths('bug-negotiation-kept-across-reconnect')).toMatchObject({
      checksumSkippedOnlyTowardsAgreeingPeer: 11,
      forwardedPacketsCarryChecksum: 14,
      capableEndsEventuallySkipChecksum: 16,
    });
    // upstream-cm-sg violates the 2.6 rule at its first step; its other goals are still explored.
    expect(result('upstream-cm-sg').verdicts.find((v) => v.property === 'deliveredBothCapable')?.verdict).toBe('reached');
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

describe('cm-checksum: the cost of the design, as a counterexample', () => {
  test('ib-crc-negotiation: memory corruption after the checksum point is accepted as good, 9 steps', () => {
    const t = counterexample('ib-crc-negotiation', 'endToEndIntegrity');
    expect(t.input).toEqual({ capA: 'on', capB: 'on' });
    expect(types(t)).toEqual([...CONNECT, 'SEND', 'TRANSMIT', 'RECEIVE', 'CORRUPT', 'NETIF_RECEIVE']);
    expect(t.steps[7].event).toEqual({ type: 'CORRUPT', at: 'receiver-memory' });
    expect((t.steps[7].state.context as CmContext).pkt).toMatchObject({ summed: 'partial', csum: 'absent', corrupt: true });
    expect(last(t).outcome).toEqual({ fate: 'accepted-corrupt', via: 'rc' });
    // The docs replay this counterexample from properties/cm-checksum/cost-of-design.ts: it must be the checker's.
    expect({ input: t.input, events: t.steps.map((s) => s.event) }).toEqual(COST_WITNESS);
  });

  test('upstream-2008: the same corruption never gets past the end-to-end checksum', () => {
    expect(result('upstream-2008').verdicts.find((v) => v.property === 'endToEndIntegrity')?.verdict).toBe('holds');
  });

  test('bug-ud-marked-verified: a trusted UD packet corrupted in B\'s memory reaches the application, 5 steps', () => {
    const t = counterexample('bug-ud-marked-verified', 'endToEndIntegrity');
    expect(types(t)).toEqual(['SEND_UD', 'TRANSMIT', 'RECEIVE', 'CORRUPT', 'NETIF_RECEIVE']);
    expect(last(t).outcome).toEqual({ fate: 'accepted-corrupt', via: 'ud' });
  });
});
