import path from 'node:path';

/** The committed tiny Hugging Face checkpoints and their goldens (tools/fixtures/make-model-fixtures.mjs). */
export const MODEL_FIXTURES = path.resolve(import.meta.dirname, '..', '..', '..', '..', 'test-fixtures', 'models');
