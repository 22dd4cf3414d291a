import { LogSoftmaxGrad } from '../../../kernels/softmax.js';
import { registerSoftmaxRows, SOFTMAX_BACKWARD } from '../programs/softmax-rows.js';

registerSoftmaxRows(LogSoftmaxGrad, ['y', 'dy', 'dx'], (wg) => SOFTMAX_BACKWARD(wg, true));
