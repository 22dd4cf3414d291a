#!/usr/bin/env node
import { runCli } from '../dist/index.js';

// Dawn devices and worker pools can keep the event loop alive; a one-shot CLI exits explicitly.
process.exit(await runCli(process.argv));
