import { Softmax } from '../../../kernels/softmax.js';
import { registerSoftmaxRows, SOFTMAX_FORWARD } from '../programs/softmax-rows.js';

registerSoftmaxRows(Softmax, ['x', 'y'], (wg) => SOFTMAX_FORWARD(wg, false));
