import { guinavTestConfig } from '../../vitest.config.js';

export default guinavTestConfig(import.meta.dirname);
