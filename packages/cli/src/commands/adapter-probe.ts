/**
 * Run by `guinav doctor` as a child process: prints the WebGPU adapters Dawn finds, as JSON, on
 * stdout. Dawn's native code writes its warnings (missing Vulkan loader, reduced limits, with the
 * path of the machine it was built on) straight to the process's stderr; in a child process the
 * doctor can keep them for --verbose instead of showing them to every user.
 */
import { listWebGpuAdapters } from '@guinav/trainer-core';

process.stdout.write(JSON.stringify(await listWebGpuAdapters()));
// Dawn instances keep the event loop alive.
process.exit(0);
