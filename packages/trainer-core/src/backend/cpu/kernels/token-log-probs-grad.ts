import { TokenLogProbsGrad } from '../../../kernels/loss.js';
import { tokenLogProbGradRows } from '../reference/cross-entropy.js';
import { registerCpuKernel } from '../register-kernel.js';

registerCpuKernel(TokenLogProbsGrad, {
  reference: ({ backend, inputs: [logits, labels, dlogp], outputs: [dlogits] }) => {
    const [rows, vocab] = logits!.shape as [number, number];
    const f = backend.floats.bind(backend);
    tokenLogProbGradRows(f(dlogits!), f(logits!), backend.ints(labels!), f(dlogp!), rows, vocab);
  },
});
