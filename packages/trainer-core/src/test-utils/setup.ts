/** vitest setup of trainer-core: the engine's fallback backend, as the package entry installs it. */
import '../backend/default-backend.js';
