import type { Container } from '../../container.js';
import type { App } from '../types.js';
import dockerContainerRoutes from './docker-containers.js';
import dockerHostRoutes from './docker-hosts.js';
import alertRoutes from './alerts.js';
import logRoutes from './logs.js';
import notificationRoutes from './notifications.js';
import portainerRoutes from './portainer.js';
import proxmoxRoutes from './proxmox.js';
import proxmoxInventoryRoutes from './proxmox-inventory.js';
import proxmoxActionRoutes from './proxmox-actions.js';
import healthDetailsRoutes from './health-details.js';
import type { AlertingModule } from '../../services/alerts/index.js';

/** Routes of the feature areas (docker, alerts, notifications). Each area registers its own plugin here. */
export async function registerExtraRoutes(app: App, c: Container): Promise<void> {
  await app.register(dockerHostRoutes, { docker: c.docker });
  await app.register(dockerContainerRoutes, { docker: c.docker });
  await app.register(logRoutes, { docker: c.docker });
  await registerAlertingRoutes(app, c.alerting);
  await app.register(portainerRoutes, { portainer: c.portainer });
  await app.register(proxmoxRoutes, { proxmox: c.proxmox });
  await app.register(proxmoxInventoryRoutes, { proxmox: c.proxmox });
  await app.register(proxmoxActionRoutes, { actions: c.proxmoxActions });
  await app.register(healthDetailsRoutes, { health: c.health });
}

/** Alerts, silences and notification channels. */
export async function registerAlertingRoutes(app: App, alerting: Pick<AlertingModule, 'alerts' | 'channels'>): Promise<void> {
  await app.register(alertRoutes, { alerts: alerting.alerts });
  await app.register(notificationRoutes, { channels: alerting.channels });
}
