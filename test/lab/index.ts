// The test lab (LAB.md): real sshd + real dockerd hosts on this machine. See types.ts for the contract.
import { attachLab, readDescriptor, startLab as start, type LabImpl } from './lab.js';
import { LabError } from './run.js';
import { LAB_DESCRIPTOR_ENV, type Lab, type StartLabOptions } from './types.js';

export * from './types.js';
export { LabError } from './run.js';

/** Starts a lab of its own (stop it in afterAll). Fault tests use firstIndex >= 20 so the shared lab stays healthy. */
export function startLab(opts: StartLabOptions): Promise<Lab> {
  return start(opts) as Promise<LabImpl>;
}

/**
 * Inside a test: the lab the integration/e2e global setup started, read from the descriptor it wrote. Its stop() does
 * nothing; the global setup stops it after the run. Tests that break a host use a private lab instead.
 */
export function sharedLab(): Lab {
  const path = process.env[LAB_DESCRIPTOR_ENV];
  if (!path) {
    throw new LabError(`${LAB_DESCRIPTOR_ENV} is not set: sharedLab() works in the integration/e2e projects (global setup test/lab/global-setup.ts) or after \`npx tsx test/lab/cli.ts up\` with that variable exported`);
  }
  return attachLab(readDescriptor(path));
}
