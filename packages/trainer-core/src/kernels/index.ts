/** Every kernel and view definition (importing this defines them all). */
export * from './attention.js';
export * from './elementwise.js';
export * from './indexing.js';
export * from './loss.js';
export * from './matmul.js';
export * from './memory.js';
export * from './norm.js';
export * from './optim.js';
export * from './quant.js';
export * from './reduce.js';
export * from './rope.js';
export * from './softmax.js';
export * from './views.js';
