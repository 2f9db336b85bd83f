import type { Config } from '../config.js';
import { type Container, createContainer } from '../container.js';
import { createLogger } from '../logger.js';
import { buildApp } from './app.js';
import type { App } from './types.js';

export interface RunningServer {
  app: App;
  container: Container;
  url: string;
  close(): Promise<void>;
}

/**
 * Starts everything: container (database + migrations), first admin, HTTP, then background loops.
 * Used by `homelab serve` / `npm start` and by tests that want a real port.
 */
export async function startServer(config: Config, opts: { logger?: ReturnType<typeof createLogger>; announce?: (line: string) => void } = {}): Promise<RunningServer> {
  const logger = opts.logger ?? createLogger(config.logLevel);
  const container = await createContainer(config, logger);
  const admin = await container.users.ensureAdmin(config.adminUsername, config.adminPassword);
  if (admin.created) {
    const say = opts.announce ?? ((l: string) => process.stdout.write(l + '\n'));
    if (admin.password) {
      say(`\n  First start: created the admin user "${config.adminUsername}" with the password:\n\n      ${admin.password}\n`);
      say('  It is shown only this once. Change it in Settings, or with `npx homelab user passwd`.\n');
    } else {
      say(`First start: created the admin user "${config.adminUsername}" (password from HOMELAB_ADMIN_PASSWORD).`);
    }
  }
  const app = await buildApp(container);
  await app.listen({ port: config.port, host: config.bind });
  await container.start();
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  const host = config.bind === '0.0.0.0' || config.bind === '::' ? 'localhost' : config.bind;
  let closing: Promise<void> | null = null;
  return {
    app,
    container,
    url: `http://${host}:${port}`,
    close: () =>
      (closing ??= (async () => {
        await app.close();
        await container.stop();
      })()),
  };
}
