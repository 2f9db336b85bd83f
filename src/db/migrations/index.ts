import type { Migration, MigrationProvider } from 'kysely';
import * as m001 from './001_foundation.js';
import * as m002 from './002_docker.js';
import * as m003 from './003_alerting.js';
import * as m004 from './004_alert_engine.js';
import * as m005 from './005_alert_subjects.js';
import * as m006 from './006_host_sources.js';
import * as m007 from './007_portainer.js';
import * as m008 from './008_log_capture.js';
import * as m009 from './009_proxmox.js';
import * as m010 from './010_proxmox_inventory.js';
import * as m011 from './011_sessions.js';

/**
 * The one migration set, for SQLite and PostgreSQL alike. Listed statically (not read from the folder) so the
 * compiled server and the tests apply exactly the same list, in this order.
 */
export const migrations: Record<string, Migration> = {
  '001_foundation': m001,
  '002_docker': m002,
  '003_alerting': m003,
  '004_alert_engine': m004,
  '005_alert_subjects': m005,
  '006_host_sources': m006,
  '007_portainer': m007,
  '008_log_capture': m008,
  '009_proxmox': m009,
  '010_proxmox_inventory': m010,
  '011_sessions': m011,
};

export const migrationProvider: MigrationProvider = {
  async getMigrations() {
    return migrations;
  },
};
