import { LogSoftmax } from '../../../kernels/softmax.js';
import { registerSoftmaxRows, SOFTMAX_FORWARD } from '../programs/softmax-rows.js';

registerSoftmaxRows(LogSoftmax, ['x', 'y'], (wg) => SOFTMAX_FORWARD(wg, true));
