export { collectDoctorReport, type DoctorReport, formatDoctorReport } from './commands/doctor.js';
export { buildProgram, runCli } from './program.js';
export { CLI_VERSION } from './version.js';
