/** The API contract: every shape the server answers or accepts, as TypeBox schemas (see common.ts). */
export * from './common.js';
export * from './users.js';
export * from './hosts.js';
export * from './tasks.js';
export * from './system.js';
export * from './docker.js';
export * from './alerts.js';
export * from './notifications.js';
export * from './logs.js';
export * from './portainer.js';
export * from './proxmox.js';
export * from './proxmox-inventory.js';
export * from './proxmox-actions.js';
export * from './health.js';
