import { guinavTestConfig } from '../../vitest.config.js';

export default guinavTestConfig(import.meta.dirname, { setupFiles: ['./src/test-utils/setup.ts'] });
