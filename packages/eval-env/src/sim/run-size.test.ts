import { describe, expect, it } from 'vitest';
import { checkInteractiveRunSize, INTERACTIVE_BYTES_PER_STEP } from './run-size.js';

describe('checkInteractiveRunSize', () => {
  it('accepts the published benchmark and refuses --attempts 100000 with the sizes in the message', () => {
    expect(() => checkInteractiveRunSize({ tasks: 2162, attempts: 5, maxSteps: 12 })).not.toThrow();
    expect(() => checkInteractiveRunSize({ tasks: 2162, attempts: 100_000, maxSteps: 12 })).toThrow(
      /^2,162 tasks x --attempts 100,000 = 216,200,000 episodes of up to --max-steps 12 steps would need about 4\.8 TiB of memory; this process may use .*Lower --attempts or --max-steps/,
    );
    const need = 10 * 2 * 12 * INTERACTIVE_BYTES_PER_STEP;
    expect(() => checkInteractiveRunSize({ tasks: 10, attempts: 2, maxSteps: 12 }, need)).toThrow(
      /would need about 480 KiB/,
    );
    expect(() => checkInteractiveRunSize({ tasks: 10, attempts: 2, maxSteps: 12 }, need / 0.8)).not.toThrow();
  });
});
