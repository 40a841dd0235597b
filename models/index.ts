/**
 * The registry of rxspec's models, in the order they are listed and checked.
 * A model is one folder under models/ whose index.ts exports its ModelSpec.
 */
import type { AnyModelSpec } from '../src/model/spec.js';
import { spec as cmChecksum } from './cm-checksum/index.js';
import { spec as rcConnection } from './rc-connection/index.js';
import { spec as tcpDma } from './tcp-dma/index.js';
import { spec as virtqueueRx } from './virtqueue-rx/index.js';

export const models: readonly AnyModelSpec[] = [rcConnection, cmChecksum, virtqueueRx, tcpDma];
