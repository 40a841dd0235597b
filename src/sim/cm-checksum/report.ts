/**
 * What every part of the cm-checksum report shares: the host and link it
 * prices on, the variants' behaviours by name, and number formatting.
 */
import { xeonE5v2_2014 } from '../hosts/xeon-e5v2-2014.js';
import { ibQdr4x } from '../hosts/ib-qdr-4x.js';
import { variants } from '../../../models/cm-checksum/variants.js';
import type { Behaviour } from '../../../models/cm-checksum/variants.js';

export const HOST = xeonE5v2_2014;
export const LINK = ibQdr4x;
/** The host's clock, for rates quoted in bytes per cycle. */
export const GHZ = 2.7;

export function behaviour(name: string): Behaviour {
  const v = variants.find((x) => x.name === name);
  if (!v) throw new Error(`cm-checksum has no variant '${name}'`);
  return v.behaviour;
}

export const fixed = (x: number, d: number) => x.toFixed(d);
export const pct = (x: number) => `${(100 * x).toFixed(1)}%`;
