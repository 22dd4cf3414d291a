/**
 * Test helpers other packages' tests may use (`@guinav/eval-env/testing`, resolved from sources
 * only, never built or published): a real OpenAI-compatible HTTP server with scripted replies.
 */
export { type ChatServer, completion, type RecordedRequest, type Reply, startChatServer } from './chat-server.js';
