// Every fixture against its manifest (test/fixtures/expected), through the same suite the models use.
import { FIXTURE_MANIFESTS } from '../src/cli/registry.js';
import { modelSuite } from './support/model-suite.js';
import { fixtures } from './fixtures/index.js';

for (const f of fixtures) modelSuite(f, FIXTURE_MANIFESTS);
