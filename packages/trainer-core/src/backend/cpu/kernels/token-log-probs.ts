import { TokenLogProbs } from '../../../kernels/loss.js';
import { tokenLogProbRows } from '../reference/cross-entropy.js';
import { registerCpuKernel } from '../register-kernel.js';

registerCpuKernel(TokenLogProbs, {
  reference: ({ backend, inputs: [logits, labels], outputs: [logp] }) => {
    const [rows, vocab] = logits!.shape as [number, number];
    tokenLogProbRows(backend.floats(logp!), backend.floats(logits!), backend.ints(labels!), rows, vocab);
  },
});
