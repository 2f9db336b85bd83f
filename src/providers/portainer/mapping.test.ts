import { describe, expect, it } from 'vitest';
import { containerFromSummary, statsFromApi, volumesFromApi } from './docker-map.js';
import { sinceToUnix } from './engine.js';
import { endpointFromApi, endpointsFromApi, errorText, portainerError } from './mapping.js';

// Shapes from the reference §4.6 (2.23, administrator), shortened.
const local = {
  Id: 1, Name: 'local', Type: 1, URL: 'unix:///var/run/docker.sock', PublicURL: '192.168.1.10', Status: 1,
  Snapshots: [{ Time: 1729950300, DockerVersion: '27.3.1', Swarm: false, TotalCPU: 4, TotalMemory: 8235577344, ContainerCount: 14, RunningContainerCount: 12, StoppedContainerCount: 2, HealthyContainerCount: 0, UnhealthyContainerCount: 0, VolumeCount: 9, ImageCount: 21, ServiceCount: 0, StackCount: 4 }],
};

describe('environments', () => {
  it('maps an Endpoint and its Snapshots[0]', () => {
    expect(endpointFromApi(local)).toEqual({
      endpoint_id: 1, name: 'local', type: 1, type_name: 'docker', docker: true, reason: null, status: 'up', public_url: '192.168.1.10',
      snapshot: { at: '2024-10-26T13:45:00.000Z', docker_version: '27.3.1', cpu_count: 4, memory_bytes: 8235577344, containers_running: 12, containers_stopped: 2, volumes: 9, images: 21, services: 0, stacks: 4 },
    });
  });

  it('collects types 1 and 2 only, with a reason for the others; guards missing snapshots', () => {
    const list = endpointsFromApi([
      { Id: 3, Name: 'nas', Type: 2, Status: 2, PublicURL: '', Snapshots: [] },
      { Id: 4, Name: 'edge', Type: 4, Status: 1, Snapshots: null },
      { Id: 5, Name: 'k8s', Type: 5, Status: 1 },
      { Id: 6, Name: 'aci', Type: 3, Status: 1, Snapshots: [] },
      { Id: 9, Name: 'odd', Type: 42, Status: 1, Snapshots: [] },
      { Name: 'no id' },
    ]);
    expect(list.map((e) => [e.endpoint_id, e.type_name, e.docker, e.status])).toEqual([
      [3, 'agent', true, 'down'], [4, 'edge_agent', false, 'up'], [5, 'kubernetes', false, 'up'], [6, 'azure', false, 'up'], [9, 'unknown', false, 'up'],
    ]);
    expect(list[0]!.snapshot).toEqual({ at: null, docker_version: null, cpu_count: null, memory_bytes: null, containers_running: null, containers_stopped: null, volumes: null, images: null, services: null, stacks: null });
    expect(list[0]!.public_url).toBeNull();
    expect(list[1]!.reason).toMatch(/Edge/);
    expect(list[2]!.reason).toMatch(/Kubernetes/);
    expect(list[4]!.reason).toMatch(/unknown environment type 42/);
    expect(() => endpointsFromApi({})).toThrow(/not an array/);
  });
});

describe('errors', () => {
  it('reads Portainer, Docker and text bodies', () => {
    expect(errorText(422, '{"message":"Invalid credentials","details":"Unauthorized"}')).toBe('Invalid credentials: Unauthorized');
    expect(errorText(404, '{"message":"No such container: abc"}')).toBe('No such container: abc');
    expect(errorText(403, 'Forbidden - CSRF token invalid\n')).toBe('Forbidden - CSRF token invalid');
    expect(errorText(502, '')).toBe('HTTP 502');
  });

  it('maps kinds: the login ban, wrong credentials, 401, 403', () => {
    expect(portainerError(403, '{"message":"Access denied","details":"Access denied to resource"}', { login: true }).kind).toBe('rate_limited');
    expect(portainerError(422, '{"message":"Invalid credentials","details":"Unauthorized"}', { login: true }).kind).toBe('auth');
    expect(portainerError(401, '{"message":"Invalid JWT token","details":"Unauthorized"}').kind).toBe('auth');
    expect(portainerError(403, '{"message":"Access denied","details":"Unauthorized"}').kind).toBe('forbidden');
    expect(portainerError(404, '{"message":"x"}').status).toBe(404);
  });
});

describe('Docker API shapes', () => {
  it('a list item becomes a ps-like container with health from its status text', () => {
    const c = containerFromSummary({
      Id: '8dfa', Names: ['/homeassistant'], Image: 'ha:stable', ImageID: 'sha256:3b1c', Command: '/init', Created: 1729000000,
      Ports: [{ IP: '0.0.0.0', PrivatePort: 8123, PublicPort: 8123, Type: 'tcp' }, { PrivatePort: 443, Type: 'tcp' }],
      Labels: { 'com.docker.compose.project': 'home', 'com.docker.compose.service': 'ha' }, State: 'running', Status: 'Up 3 hours (healthy)',
      NetworkSettings: { Networks: { home_default: { IPAddress: '172.18.0.2' } } },
    })!;
    expect(c).toMatchObject({ container_id: '8dfa', name: 'homeassistant', state: 'running', health: 'healthy', compose_project: 'home', networks: ['home_default'], inspected: false, created_at: '2024-10-15T13:46:40.000Z' });
    expect(c.ports).toEqual([{ ip: null, public_port: null, private_port: 443, type: 'tcp' }, { ip: '0.0.0.0', public_port: 8123, private_port: 8123, type: 'tcp' }]);
    const later = containerFromSummary({ Id: '8dfa', Names: ['/homeassistant'], Image: 'ha:stable', Created: 1729000000, Ports: [{ IP: '0.0.0.0', PrivatePort: 8123, PublicPort: 8123, Type: 'tcp' }, { PrivatePort: 443, Type: 'tcp' }], Labels: { 'com.docker.compose.project': 'home', 'com.docker.compose.service': 'ha' }, State: 'running', Status: 'Up 4 hours (healthy)', NetworkSettings: { Networks: { home_default: {} } } })!;
    expect(later.fingerprint).toBe(c.fingerprint); // the clock in "Up N hours" is not a change
    expect(containerFromSummary({ Id: 'x', State: 'exited', Status: 'Exited (3) 2 hours ago' })!.exit_code).toBe(3);
  });

  it('volumes come in an object; stats compute CPU % like docker', () => {
    expect(volumesFromApi({ Volumes: [{ Name: 'b', Driver: 'local' }, { Name: 'a', Driver: 'local', Labels: null }], Warnings: null }).map((v) => v.name)).toEqual(['a', 'b']);
    const s = statsFromApi({
      id: 'abc', name: '/web',
      cpu_stats: { cpu_usage: { total_usage: 3_000_000 }, system_cpu_usage: 200_000_000, online_cpus: 2 },
      precpu_stats: { cpu_usage: { total_usage: 1_000_000 }, system_cpu_usage: 100_000_000 },
      memory_stats: { usage: 10_000, limit: 100_000, stats: { inactive_file: 2_000 } },
      networks: { eth0: { rx_bytes: 10, tx_bytes: 20 }, eth1: { rx_bytes: 1, tx_bytes: 2 } },
      blkio_stats: { io_service_bytes_recursive: [{ op: 'read', value: 5 }, { op: 'write', value: 7 }, { op: 'Read', value: 1 }] },
      pids_stats: { current: 3 },
    }, 'abc');
    expect(s).toEqual({ container_id: 'abc', name: 'web', cpu_percent: 4, mem_used_bytes: 8000, mem_limit_bytes: 100000, mem_percent: 8, net_rx_bytes: 11, net_tx_bytes: 22, block_read_bytes: 6, block_write_bytes: 7, pids: 3 });
  });

  it('since: unix seconds as they are, RFC 3339 with its nanoseconds, durations from now', () => {
    expect(sinceToUnix('1729950300')).toBe('1729950300');
    expect(sinceToUnix('2024-10-26T13:45:00.123456789Z')).toBe('1729950300.123456789');
    expect(sinceToUnix('10m', 1_000_000_000)).toBe('999400.000');
  });
});
