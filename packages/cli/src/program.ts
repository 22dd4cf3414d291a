import { Command, CommanderError } from 'commander';
import { registerBench } from './commands/bench.js';
import { registerData } from './commands/data.js';
import { registerDoctor } from './commands/doctor.js';
import { registerEval } from './commands/eval.js';
import { registerInfer } from './commands/infer.js';
import { registerModel } from './commands/model.js';
import { registerPipeline } from './commands/pipeline.js';
import { registerTrain } from './commands/train/train.js';
import { registerWorld } from './commands/world.js';
import { InterruptedError } from './interrupt.js';
import { CLI_VERSION } from './version.js';

/** Each subcommand module registers itself; only commands that work are listed here. */
const COMMANDS: ((program: Command) => void)[] = [
  registerDoctor,
  registerEval,
  registerWorld,
  registerData,
  registerBench,
  registerInfer,
  registerModel,
  registerTrain,
  registerPipeline,
];

export function buildProgram(): Command {
  const program = new Command('guinav')
    .description('Generate GUI-navigation data, train agents with SFT + DPO, and evaluate them.')
    .version(CLI_VERSION, '-v, --version')
    .showHelpAfterError()
    .exitOverride();
  for (const register of COMMANDS) register(program);
  return program;
}

/** Runs the CLI and returns the exit code (the bin script exits with it). */
export async function runCli(argv: string[]): Promise<number> {
  try {
    await buildProgram().parseAsync(argv);
    return 0;
  } catch (err) {
    if (err instanceof CommanderError) return err.exitCode;
    console.error(`guinav: ${err instanceof Error ? err.message : String(err)}`);
    return err instanceof InterruptedError ? err.exitCode : 1;
  }
}
