/**
 * The cost of the design, on bytes, as data the documentation renders: one
 * bit flipped in A's memory after the checksum point (a DMA or memory
 * error between the stack and the HCA). The HCA computes the ICRC over the
 * bytes it reads, so the ICRC is good and the fabric delivers the packet.
 * Only the end-to-end TCP checksum could notice, and the skip removed it:
 * Todd Rimmer's 2007 objection that the IB CRC and the IP checksum protect
 * different integrity domains, and that the gateway out of the fabric
 * turns the loss into a valid-looking packet.
 */
import { carry, type Corruption } from '../../src/impl/cm-checksum/fabric.js';
import { HEADERS } from '../../src/impl/cm-checksum/tcp-ip.js';
import { MODES, type ModeName } from './integrity.js';
import { XStateSuccessors } from '../../src/explore/xstate-successors.js';
import { checkParams } from '../../src/model/params.js';
import { cmChecksumMachine } from '../../models/cm-checksum/cm-checksum.machine.js';
import { params } from '../../models/cm-checksum/params.js';
import { variants } from '../../models/cm-checksum/variants.js';
import type { CmContext, CmInput } from '../../models/cm-checksum/context.js';
import type { CmEvent } from '../../models/cm-checksum/events.js';

export const EXAMPLE_TEXT = 'IPoIB-CM: the ICRC covers the wire, not the memory.';
/** Byte 2 of the payload is the first 'o' of "IPoIB"; bit 0x20 makes it 'O'. */
export const EXAMPLE_BYTE = 2;
export const EXAMPLE_MASK = 0x20;

export interface CostRow {
  readonly mode: ModeName;
  /** The TCP check field as it leaves A (a partial pseudo-header sum when skipped). */
  readonly checksumOnWire: string;
  /** B's HCA's verdict on the ICRC of the packet that carries the flipped bit. */
  readonly icrcAtReceiver: 'good' | 'bad';
  readonly fate: string;
  readonly detectedBy: string;
  /** What the receiving application reads, or null when the packet was dropped. */
  readonly delivered: string | null;
}

export interface CostOfTheDesign {
  readonly sent: string;
  readonly corruption: string;
  readonly rows: readonly CostRow[];
}

const hex16 = (v: number) => '0x' + v.toString(16).padStart(4, '0');

export function costOfTheDesign(): CostOfTheDesign {
  const payload = new TextEncoder().encode(EXAMPLE_TEXT);
  const bit = Math.clz32(EXAMPLE_MASK) - 24;
  const corruption: Corruption = { at: 'sender-memory', packet: 0, start: (HEADERS + EXAMPLE_BYTE) * 8 + bit, pattern: [0] };
  const modes: ModeName[] = ['verified', 'trusted', 'forwarded-trusted'];
  const rows = modes.map((mode): CostRow => {
    const d = carry(payload, MODES[mode], corruption);
    return {
      mode,
      checksumOnWire: hex16(d.checkFieldSent),
      icrcAtReceiver: d.icrcGoodAtReceiver ? 'good' : 'bad',
      fate: d.fate,
      detectedBy: d.detectedBy ?? 'nothing',
      delivered: d.received ? new TextDecoder().decode(d.received) : null,
    };
  });
  const from = String.fromCharCode(payload[EXAMPLE_BYTE]);
  const to = String.fromCharCode(payload[EXAMPLE_BYTE] ^ EXAMPLE_MASK);
  return {
    sent: EXAMPLE_TEXT,
    corruption: `A's memory, after the checksum point: payload byte ${EXAMPLE_BYTE} '${from}' becomes '${to}' (bit 0x${EXAMPLE_MASK.toString(16)})`,
    rows,
  };
}

/**
 * The same cost in the machine: the shortest counterexample to
 * endToEndIntegrity in the ib-crc-negotiation variant, as the checker finds
 * it (a test keeps the two equal), replayed step by step.
 */
export const COST_WITNESS: { readonly input: CmInput; readonly events: readonly CmEvent[] } = {
  input: { capA: 'on', capB: 'on' },
  events: [
    { type: 'SET_MODE_CONNECTED' },
    { type: 'REQ' },
    { type: 'REQ_RECEIVED' },
    { type: 'REP_RECEIVED' },
    { type: 'SEND', dst: 'host' },
    { type: 'TRANSMIT' },
    { type: 'RECEIVE' },
    { type: 'CORRUPT', at: 'receiver-memory' },
    { type: 'NETIF_RECEIVE' },
  ],
};

export interface WitnessStep {
  readonly step: number;
  readonly event: string;
  readonly negotiated: string;
  readonly packet: string;
  readonly outcome: string;
}

export function replayCostWitness(): WitnessStep[] {
  const b = variants.find((v) => v.name === 'ib-crc-negotiation')!.behaviour;
  const succ = new XStateSuccessors({ machine: cmChecksumMachine(checkParams(params), b), inputs: [COST_WITNESS.input], events: () => COST_WITNESS.events });
  let s = succ.initial()[0];
  return COST_WITNESS.events.map((e, i) => {
    s = succ.step(s, e);
    const c = s.context as CmContext;
    const { type, ...args } = e;
    const p = c.pkt;
    return {
      step: i + 1,
      event: Object.keys(args).length ? `${type} ${Object.values(args).join(' ')}` : type,
      negotiated: c.exchange ? `REQ ${c.exchange.req ? 1 : 0}, REP ${c.exchange.rep ? 1 : 0}; A skips: ${c.txAgreed}, B trusts: ${c.rxTrust}` : '—',
      packet: p ? `${p.via}, checksum ${p.csum}${p.corrupt ? ', corrupt' : ''}${p.summed !== 'none' ? `, CHECKSUM_${p.summed.toUpperCase()}` : ''}` : '—',
      outcome: c.outcome ? c.outcome.fate : '—',
    };
  });
}
