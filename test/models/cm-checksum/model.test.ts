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

/** The explanation each key counterexample's message carries, with the violating state's values: one per property. */
function message(variant: string, property: string): string {
  const r = result(variant);
  const v = r.kind === 'violated' ? r.violations.find((x) => x.property === property) : undefined;
  if (!v) throw new Error(`${variant} does not violate ${property}`);
  return v.message;
}

describe('cm-checksum: explanations of the key counterexamples', () => {
  test('bug-skip-on-own-capability: A skipped on its own capability towards a peer whose REP did not carry the flag', () => {
    expect(message('bug-skip-on-own-capability', 'checksumSkippedOnlyTowardsAgreeingPeer')).toMatch(
      /violated after 5 steps: the packet posted on A's send queue has no TCP checksum .*pkt\.agreed false; this connection's REQ carried the checksum flag and its REP did not \(agreed: false\); capA is on, capB is off\): A skipped it on its own capability, though its negotiated state says no \(A's ipoib_cm_tx is OPER_UP with txAgreed false\)/,
    );
  });

  test('bug-ud-marked-verified: CHECKSUM_PARTIAL on a datagram-mode packet', () => {
    expect(message('bug-ud-marked-verified', 'trustOnlyOnAgreedConnection')).toBe(
      'invariant trustOnlyOnAgreedConnection is violated after 3 steps: B\'s driver set ip_summed to CHECKSUM_PARTIAL, so its ' +
        'stack takes the TCP checksum as verified (skb_csum_unnecessary) on a datagram-mode (UD) packet (capB is on), which ' +
        'carries no negotiation: it trusts the IB CRC alone, which does not cover host memory',
    );
  });

  test('bug-negotiation-kept-across-reconnect: txAgreed true cached from the first connection, REQ without the flag', () => {
    expect(message('bug-negotiation-kept-across-reconnect', 'negotiationFromOwnExchange')).toBe(
      "invariant negotiationFromOwnExchange is violated after 10 steps: A's ipoib_cm_tx is OPER_UP with txAgreed true (the " +
        "answer cached on the path from an earlier connection: cachedAgreed true), but this connection's REQ carried no " +
        'checksum flag and its REP carried it (agreed: false); capA is off, capB is on',
    );
  });

  test('bug-gateway-no-regenerate: CHECKSUM_UNNECESSARY forwarded with the pseudo-header sum in the check field', () => {
    expect(message('bug-gateway-no-regenerate', 'forwardedPacketsCarryChecksum')).toMatch(
      /violated after 8 steps: the packet was forwarded out of the fabric with no TCP checksum .*: B marked it CHECKSUM_UNNECESSARY \(its connection agreed;/,
    );
  });

  test('bug-features-kept-on-capability-change: a complete checksum summed again by the egress path', () => {
    expect(message('bug-features-kept-on-capability-change', 'forwardedPacketsCarryChecksum')).toMatch(
      /violated after 14 steps: .*a wrong TCP checksum over intact bytes .*A's device has NETIF_F_IP_CSUM false, txAgreed true\)/,
    );
    expect(message('bug-features-kept-on-capability-change', 'checksumOffloadOnlyWhileCapable')).toBe(
      "invariant checksumOffloadOnlyWhileCapable is violated after 7 steps: A's device still claims NETIF_F_IP_CSUM and " +
        'NETIF_F_SG in connected mode although capA is off (ethtool -K tx off): the stack keeps handing it CHECKSUM_PARTIAL ' +
        'packets the administrator asked it to checksum',
    );
  });

  test('upstream-cm-sg: NETIF_F_SG without NETIF_F_IP_CSUM', () => {
    expect(message('upstream-cm-sg', 'scatterGatherOnlyWithChecksum')).toMatch(
      /violated after 1 step: A's device has NETIF_F_SG on and NETIF_F_IP_CSUM off \(connected mode, capA on\): the 2\.6 register_netdevice/,
    );
  });

  test('ib-crc-negotiation: the cost of the design, a memory corruption accepted on an agreed connection', () => {
    expect(message('ib-crc-negotiation', 'endToEndIntegrity')).toMatch(
      /violated after 9 steps: an application accepted an RC packet .*fate accepted-corrupt, corruptionsLeft 0\)\. A wire corruption would have failed the VCRC or ICRC, so it happened in host memory, .*REQ carried the checksum flag and its REP carried it \(agreed: true\); rxTrust true\)/,
    );
  });

  test('upstream-2008 (leads-to): both capable, but the private data carries no flag, so txAgreed stays false', () => {
    expect(message('upstream-2008', 'capableEndsEventuallySkipChecksum')).toMatch(
      /reaches state 6 and then repeats a fair cycle of 4 steps, never reaching its goal: capA is on, capB is on, but this connection's REQ carried no checksum flag and its REP did not \(agreed: false\): the driver does not put the flag in its private data \(only \{qpn, mtu\}\), so A's ipoib_cm_tx is OPER_UP with txAgreed false/,
    );
  });

  test('bug-negotiation-kept-across-reconnect (leads-to): both agree now, but A reuses the cached refusal', () => {
    expect(message('bug-negotiation-kept-across-reconnect', 'capableEndsEventuallySkipChecksum')).toMatch(
      /reaches state 12 .*capA is on, capB is on and this connection's REQ carried the checksum flag and its REP carried it \(agreed: true\), yet A's ipoib_cm_tx is OPER_UP with txAgreed false, cachedAgreed false: A reused the answer cached/,
    );
  });

  test('bug-reject-peer-without-capability (leads-to): A rejects every REP without the flag', () => {
    expect(message('bug-reject-peer-without-capability', 'capableEndKeepsWorkingWithoutAgreement')).toMatch(
      /reaches state 1 .*capA is on, capB is off and no connection is up \(A's ipoib_cm_tx is down with txAgreed false; cmFaultsLeft 1\): A's REP handler rejects B's REP for lacking the checksum flag/,
    );
  });

  test('bug-skip-on-own-capability (leads-to): every skipped checksum is dropped by a receiver that did not agree', () => {
    expect(message('bug-skip-on-own-capability', 'capableEndKeepsWorkingWithoutAgreement')).toMatch(
      /reaches state 6 .*capA is on, capB is off, .*A skips the TCP checksum \(the packet posted on A's send queue has csum absent\) while B, whose connection did not agree \(rxTrust false\), marks each packet CHECKSUM_NONE/,
    );
  });
});
