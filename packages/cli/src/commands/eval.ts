import type { Command } from 'commander';
import { registerEvalInteractive } from './eval/interactive.js';
import { registerEvalStatic } from './eval/static.js';

/** `guinav eval interactive|static`: the simulator benchmark and the static scorers (@guinav/eval-env). */
export function registerEval(program: Command): void {
  const evalCommand = program
    .command('eval')
    .description('Evaluate agents: interactively in the GE-Lab simulator, or statically from saved predictions');
  registerEvalInteractive(evalCommand);
  registerEvalStatic(evalCommand);
}
