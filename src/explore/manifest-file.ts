/**
 * Reading and writing a model's expected-outcome manifest,
 * models/<model>/expected.json.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import { ModelDefinitionError } from '../errors/model-definition-error.js';
import type { ExpectedManifest } from './expected.js';

export const MODELS_DIR = fileURLToPath(new URL('../../models/', import.meta.url));

export function manifestPath(model: string, dir = MODELS_DIR): string {
  return join(dir, model, 'expected.json');
}

/** The manifest, or undefined when the model has none yet. */
export function loadExpected(model: string, dir = MODELS_DIR): ExpectedManifest | undefined {
  const file = manifestPath(model, dir);
  if (!existsSync(file)) return undefined;
  try {
    const m = JSON.parse(readFileSync(file, 'utf8')) as ExpectedManifest;
    if (m.model !== model || typeof m.variants !== 'object') throw new Error('not a manifest for this model');
    return m;
  } catch (err) {
    throw new ModelDefinitionError(
      `${file} is not a valid manifest: ${(err as Error).message}`,
      `re-record it with rxspec check ${model} --write-expected`,
    );
  }
}

export function writeExpected(manifest: ExpectedManifest, dir = MODELS_DIR): string {
  const file = manifestPath(manifest.model, dir);
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, JSON.stringify(manifest, null, 2) + '\n');
  return file;
}
