/**
 * What the command line can name: rxspec's models, and the engine's test
 * fixtures (small machines with hand-known outcomes, useful for learning the
 * tool and for testing it). Plain `rxspec check` checks the models only;
 * a fixture is checked when named.
 */
import { fileURLToPath } from 'node:url';
import { models } from '../../models/index.js';
import { fixtures } from '../../test/fixtures/index.js';
import { MODELS_DIR } from '../explore/manifest-file.js';
import { UnknownModelError } from '../errors/unknown-model-error.js';
import type { AnyModelSpec } from '../model/spec.js';

export interface Entry {
  readonly spec: AnyModelSpec;
  readonly group: 'model' | 'fixture';
  /** Folder holding <id>/expected.json. */
  readonly manifestDir: string;
}

export const FIXTURE_MANIFESTS = fileURLToPath(new URL('../../test/fixtures/expected/', import.meta.url));

export const registry: readonly Entry[] = [
  ...models.map((spec) => ({ spec, group: 'model' as const, manifestDir: MODELS_DIR })),
  ...fixtures.map((spec) => ({ spec, group: 'fixture' as const, manifestDir: FIXTURE_MANIFESTS })),
];

export function findEntry(id: string): Entry {
  const e = registry.find((x) => x.spec.id === id);
  if (!e) throw new UnknownModelError('model', id, registry.map((x) => x.spec.id));
  return e;
}
