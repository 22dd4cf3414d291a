/// <reference types="@webgpu/types" />
/**
 * WebGPU bring-up through Dawn (the `webgpu` package).
 *
 * Order of preference: a hardware adapter on Dawn's default backend (Vulkan on Linux), then
 * Mesa's software rasteriser (llvmpipe) through OpenGL ES in compatibility mode. The
 * software adapter is slow but exact, which is what CPU-only machines and CI need for
 * kernel correctness tests.
 */
import { createRequire } from 'node:module';

export type AdapterKind = 'hardware' | 'software';

/**
 * Dawn's null backend: an adapter that compiles and validates every shader (it advertises
 * shader-f16, subgroups and timestamps) but runs nothing. Tests use it to check kernels whose
 * features the software adapter lacks; it is never listed or picked for work.
 */
export type AdapterPreference = 'auto' | AdapterKind | 'validation-only';

/** What a caller (or `guinav doctor`) needs to know about an adapter. */
export interface AdapterReport {
  kind: AdapterKind;
  /** Dawn backend flag used to create the instance (`default` = Dawn's own choice). */
  backend: 'default' | 'opengles' | 'null';
  featureLevel: 'core' | 'compatibility';
  vendor: string;
  architecture: string;
  device: string;
  description: string;
  isFallbackAdapter: boolean;
  features: string[];
  limits: KeyLimits;
}

export interface KeyLimits {
  maxBufferSize: number;
  maxStorageBufferBindingSize: number;
  maxStorageBuffersPerShaderStage: number;
  maxComputeWorkgroupStorageSize: number;
  maxComputeInvocationsPerWorkgroup: number;
  maxComputeWorkgroupSizeX: number;
  maxComputeWorkgroupSizeY: number;
  maxComputeWorkgroupsPerDimension: number;
}

const KEY_LIMIT_NAMES: (keyof KeyLimits)[] = [
  'maxBufferSize',
  'maxStorageBufferBindingSize',
  'maxStorageBuffersPerShaderStage',
  'maxComputeWorkgroupStorageSize',
  'maxComputeInvocationsPerWorkgroup',
  'maxComputeWorkgroupSizeX',
  'maxComputeWorkgroupSizeY',
  'maxComputeWorkgroupsPerDimension',
];

interface AdapterRoute {
  kind: AdapterKind;
  backend: AdapterReport['backend'];
  flags: string[];
  options: GPURequestAdapterOptions & { featureLevel?: string };
}

const ROUTES: AdapterRoute[] = [
  { kind: 'hardware', backend: 'default', flags: [], options: { powerPreference: 'high-performance' } },
  {
    kind: 'software',
    backend: 'opengles',
    flags: ['backend=opengles'],
    options: { featureLevel: 'compatibility' },
  },
];

const NULL_ROUTE: AdapterRoute = { kind: 'software', backend: 'null', flags: ['backend=null'], options: {} };

interface WebGpuModule {
  create(flags: string[]): GPU;
  globals: Record<string, unknown>;
}

let webgpuModule: WebGpuModule | undefined;
/** Dawn instances are kept alive for the whole process: collecting one tears down its devices. */
const instances = new Map<string, GPU>();

function loadWebGpu(): WebGpuModule {
  if (!webgpuModule) {
    // The software route goes through EGL; without a display it must be told to run headless,
    // and Mesa reads this variable when the instance is created.
    process.env.EGL_PLATFORM ??= 'surfaceless';
    const require = createRequire(import.meta.url);
    webgpuModule = require('webgpu') as WebGpuModule;
    Object.assign(globalThis, webgpuModule.globals);
  }
  return webgpuModule;
}

function instanceFor(flags: string[]): GPU {
  const key = flags.join(',');
  let gpu = instances.get(key);
  if (!gpu) {
    gpu = loadWebGpu().create(flags);
    instances.set(key, gpu);
  }
  return gpu;
}

function describe(route: AdapterRoute, adapter: GPUAdapter): AdapterReport {
  const info = adapter.info;
  const limits = {} as KeyLimits;
  for (const name of KEY_LIMIT_NAMES) limits[name] = Number(adapter.limits[name]);
  const featureLevel = (adapter as GPUAdapter & { featureLevel?: string }).featureLevel;
  return {
    kind: route.kind,
    backend: route.backend,
    featureLevel: featureLevel === 'core' || route.kind === 'hardware' ? 'core' : 'compatibility',
    vendor: info.vendor ?? '',
    architecture: info.architecture ?? '',
    device: info.device ?? '',
    description: info.description ?? '',
    isFallbackAdapter: Boolean((info as GPUAdapterInfo & { isFallbackAdapter?: boolean }).isFallbackAdapter),
    features: [...adapter.features].map(String).sort(),
    limits,
  };
}

async function requestAdapter(route: AdapterRoute): Promise<GPUAdapter | null> {
  try {
    return await instanceFor(route.flags).requestAdapter(route.options as GPURequestAdapterOptions);
  } catch {
    return null;
  }
}

/** Every adapter Dawn offers on this machine, hardware first. */
export async function listWebGpuAdapters(): Promise<AdapterReport[]> {
  const reports: AdapterReport[] = [];
  for (const route of ROUTES) {
    const adapter = await requestAdapter(route);
    if (adapter) reports.push(describe(route, adapter));
  }
  return reports;
}

export interface AcquireOptions {
  /** `auto` tries hardware then software. */
  prefer?: AdapterPreference;
  /** Extra features to enable when the adapter has them (e.g. `shader-f16`). */
  optionalFeatures?: GPUFeatureName[];
}

export interface WebGpuContext {
  device: GPUDevice;
  adapter: AdapterReport;
  /** Destroys the device so the process can exit. Idempotent. */
  release(): void;
}

/**
 * Obtains a device, asking for the adapter's full limits for everything a trainer needs
 * (device defaults are far below what adapters offer).
 */
export async function acquireWebGpuDevice(options: AcquireOptions = {}): Promise<WebGpuContext> {
  const prefer = options.prefer ?? 'auto';
  const routes =
    prefer === 'validation-only' ? [NULL_ROUTE] : ROUTES.filter((r) => prefer === 'auto' || r.kind === prefer);
  for (const route of routes) {
    const adapter = await requestAdapter(route);
    if (!adapter) continue;
    const report = describe(route, adapter);
    const requiredLimits: Record<string, number> = {};
    for (const name of KEY_LIMIT_NAMES) requiredLimits[name] = report.limits[name];
    const requiredFeatures = (options.optionalFeatures ?? []).filter((f) => adapter.features.has(f));
    const device = await adapter.requestDevice({ requiredLimits, requiredFeatures });
    let released = false;
    return {
      device,
      adapter: { ...report, features: [...device.features].map(String).sort() },
      release() {
        if (released) return;
        released = true;
        device.destroy();
      },
    };
  }
  throw new Error(
    `No WebGPU adapter found (tried: ${routes.map((r) => `${r.kind} via ${r.backend}`).join(', ')}). ` +
      'On Linux without a GPU, install Mesa EGL/GLES (apt-get install libegl1 libegl-mesa0 libgles2 libgl1-mesa-dri).',
  );
}
