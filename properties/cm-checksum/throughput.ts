/**
 * The throughput bound of cm-checksum: whatever the ends negotiated, a
 * connection delivers its payload at the rate of its slowest resource
 * (sender CPU, link or receiver CPU). A treatment that makes the receiver
 * drop what it cannot verify, or an end that refuses to connect, falls
 * far below it.
 */
import type { StreamResult } from '../../src/sim/cm-checksum/stream.js';

export interface ThroughputBound {
  readonly name: string;
  readonly doc: string;
  holds(r: StreamResult): boolean;
}

/** Start-up and the last message's trip through the pipeline cost a little of the ideal rate. */
const PIPELINE_SLACK = 0.98;

export const deliversAtSlowestResourceRate: ThroughputBound = {
  name: 'deliversAtSlowestResourceRate',
  doc: 'A connection delivers its payload at no less than 98% of the rate of its slowest resource: nothing is lost to the checksum negotiation.',
  holds: (r) => r.bottleneck !== 'no connection' && r.goodputGbps >= PIPELINE_SLACK * r.slowestResourceGbps,
};
