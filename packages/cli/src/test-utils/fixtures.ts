import path from 'node:path';

/** The repository's test-fixtures/ folder, and the fixtures the CLI tests use. */
export const FIXTURES = path.resolve(import.meta.dirname, '..', '..', '..', '..', 'test-fixtures');
export const VLM_FIXTURE = path.join(FIXTURES, 'models', 'llava');
export const LLAMA_FIXTURE = path.join(FIXTURES, 'models', 'llama');
/** The mini world with its screenshots. */
export const MINI_WORLD = path.join(FIXTURES, 'worlds', 'mini');
export const ODYSSEY_FIXTURE = path.join(FIXTURES, 'odyssey');
