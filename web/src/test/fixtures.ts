/**
 * Objects shaped exactly like the API's (the Static<> types of src/contract/), for the contract server used by
 * component tests; the server checks each answer against the real route's schema, so they must fit it.
 */
import type { Alert, DockerContainer, DockerHostSummary, Host, Task } from '../../../src/core/types';
import type { DockerHostHealth, PortainerEndpoint, PortainerServer, PortainerServerHealth } from '../api/api';

const NOW = '2026-01-10T10:00:00.000Z';

export function dockerHost(id: number, over: Partial<DockerHostSummary> = {}): DockerHostSummary {
  return {
    id, name: `host${id}`, host: `127.0.10.${id}`, transport: 'ssh', status: 'online', groups: [], docker_enabled: true,
    docker_status: 'online', docker_status_reason: null, docker_version: '28.5.1', docker_last_collect_at: NOW,
    containers_running: 2, containers_total: 3, open_alerts: 0,
    capabilities: { redeploy: true, compose_actions: true, host_metrics: true, prune: ['containers', 'images', 'volumes', 'networks'], live_logs: true },
    ...over,
  };
}

export function host(id: number, over: Partial<Host> = {}): Host {
  return {
    id, name: `host${id}`, host: `127.0.10.${id}`, port: 22, username: 'automation', os_type: 'debian', transport: 'ssh',
    status: 'online', status_reason: null, last_seen_at: NOW, ssh_host_key: 'SHA256:abc', groups: ['docker'],
    docker_enabled: true, docker_version: '28.5.1', docker_status: 'online', docker_status_reason: null,
    docker_last_collect_at: NOW, created_at: NOW, updated_at: NOW, metrics: null, portainer_server_id: null, portainer_endpoint_id: null, ...over,
  };
}

let seq = 0;
export function container(hostId: number, name: string, state: string, over: Partial<DockerContainer> = {}): DockerContainer {
  seq++;
  return {
    id: seq, host_id: hostId, container_id: `${name}`.padEnd(12, '0') + seq.toString(16).padStart(52, '0'), name,
    image: 'busybox:latest', state, status: state === 'running' ? 'Up 2 hours' : 'Exited (0) 5 minutes ago', health: 'none',
    created_at: NOW, started_at: NOW, finished_at: null, exit_code: null, oom_killed: false, restart_count: 0,
    command: 'sleep infinity', ports: [], labels: {}, compose_project: null, compose_service: null, ip_address: '172.17.0.2',
    mac_address: null, gateway: null, networks: ['bridge'], stale: false, last_update_at: NOW, log_capture: 'off', ...over,
  };
}

export function alert(id: number, over: Partial<Alert> = {}): Alert {
  return {
    id, source: 'docker', host_id: 1, host_name: 'host1', target: `docker:1:web:down`, container_name: 'web', rule: 'container_down',
    severity: 'error', state: 'open', message: 'Container web is exited, expected running', occurrences: 1, opened_at: NOW,
    closed_at: null, last_notified_at: null, acknowledged_by: null, acknowledged_at: null, ack_comment: null,
    subject: { source: 'docker', kind: 'container', key: 'docker:1:web', name: 'web', scope: 'host:1' }, ...over,
  };
}

export function task(id: number, over: Partial<Task> = {}): Task {
  return {
    id, action: 'docker.container.stop', status: 'success', host_id: 1, target: 'web', requested_by: 'admin', output: 'web',
    error: null, created_at: NOW, started_at: NOW, finished_at: NOW, duration_ms: 420, ...over,
  };
}

export function portainerServer(id: number, over: Partial<PortainerServer> = {}): PortainerServer {
  return {
    id, name: `portainer${id}`, url: `https://10.0.0.${id}:9443`, auth: 'password', username: 'admin', tls_fingerprint: null,
    default_group: null, sync_mode: 'create_and_update', sync_interval_s: 60, enabled: true, status: 'online', status_reason: null,
    version: '2.27.3', instance_id: `inst-${id}`, last_sync_at: NOW, last_sync_ms: 340, endpoints_total: 3, endpoints_up: 2,
    host_count: 2, created_at: NOW, updated_at: NOW, ...over,
  };
}

export function portainerEndpoint(id: number, over: Partial<PortainerEndpoint> = {}): PortainerEndpoint {
  return {
    endpoint_id: id, name: `env${id}`, type: 1, type_name: 'Docker', host_id: null, reason: null, status: 'up', cpu_count: 4,
    memory_bytes: 8 * 1024 ** 3, containers_running: 5, containers_stopped: 1, containers_healthy: 3, containers_unhealthy: 1,
    volumes: 7, images: 9, services: 0, stacks: 2, public_url: null, docker_version: '28.5.1', snapshot_at: NOW, ...over,
  };
}

export function hostHealth(id: number, over: Partial<DockerHostHealth> = {}): DockerHostHealth {
  return {
    id, name: `host${id}`, transport: 'ssh', status: 'online', status_reason: null, docker_enabled: true, docker_status: 'online',
    docker_status_reason: null, docker_version: '28.5.1', last_collect_at: NOW, last_collect_ms: 180, events: 'connected',
    portainer_endpoint_id: null, ...over,
  };
}

export function serverHealth(id: number, over: Partial<PortainerServerHealth> = {}): PortainerServerHealth {
  return {
    id, name: `portainer${id}`, url: `https://10.0.0.${id}:9443`, enabled: true, status: 'online', status_reason: null, version: '2.27.3',
    endpoints_up: 2, endpoints_total: 3, last_sync_at: NOW, last_sync_ms: 340, hosts: [], ...over,
  };
}
