export {
  type ComputeDevice,
  type ComputeDeviceRequest,
  chooseComputeDevice,
  type DeviceChoice,
} from './backend/select.js';
export {
  type AcquireOptions,
  type AdapterKind,
  type AdapterReport,
  acquireWebGpuDevice,
  type KeyLimits,
  listWebGpuAdapters,
  type WebGpuContext,
} from './backend/webgpu/device.js';
