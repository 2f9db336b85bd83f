import type { Container } from '../../container.js';
import type { App } from '../types.js';
import dockerContainerRoutes from './docker-containers.js';
import dockerHostRoutes from './docker-hosts.js';

/** Routes of the feature areas (docker, alerts, notifications). Each area registers its own plugin here. */
export async function registerExtraRoutes(app: App, c: Container): Promise<void> {
  await app.register(dockerHostRoutes, { docker: c.docker });
  await app.register(dockerContainerRoutes, { docker: c.docker });
  await app.register(async (scope) => c.alerting.routes(scope as App));
}
