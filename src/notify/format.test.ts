import { describe, expect, it } from 'vitest';
import {
  alertMessage,
  appriseTypeFor,
  colorFor,
  formatDuration,
  gotifyPriorityFor,
  ntfyPriorityFor,
  plainText,
  testMessage,
  truncate,
  type AlertLike,
} from './format.js';
import { priorityFor } from './notifier.js';

const alert: AlertLike = {
  id: 3,
  source: 'docker',
  host_name: 'nas',
  target: 'docker:1:nginx:down',
  rule: 'container_down',
  state: 'open',
  severity: 'error',
  message: 'Container nginx is exited, expected running',
  container_name: 'nginx',
  opened_at: '2025-01-01T03:00:00.000Z',
  closed_at: null,
  occurrences: 1,
};
const closed = { ...alert, state: 'closed', closed_at: '2025-01-01T04:30:00.000Z' };

describe('alertMessage', () => {
  it('says what the seed says when a container goes down', () => {
    const msg = alertMessage('alert_opened', alert, { dashboardUrl: 'http://dash/' });
    expect(msg).toMatchObject({
      event: 'alert_opened',
      title: '🚨 Docker Alert - nas',
      body: 'nginx: Container nginx is exited, expected running',
      severity: 'error',
      tags: ['warning', 'docker'],
      url: 'http://dash/',
      alert: { id: 3, source: 'docker', host_name: 'nas', rule: 'container_down', occurrences: 1, closed_at: null },
    });
  });

  it('names host alerts as such and has no container prefix', () => {
    const msg = alertMessage('alert_opened', {
      ...alert,
      source: 'host',
      container_name: null,
      rule: 'host_offline',
      severity: 'critical',
      message: 'Host nas is unreachable over SSH',
    });
    expect(msg.title).toBe('🚨 Host Alert - nas');
    expect(msg.body).toBe('Host nas is unreachable over SSH');
    expect(msg.tags).toEqual(['rotating_light', 'host']);
  });

  it('counts occurrences of a flapping alert instead of hiding them', () => {
    expect(alertMessage('alert_opened', { ...alert, occurrences: 4 }).body).toBe(
      'nginx: Container nginx is exited, expected running (occurrence 4)',
    );
  });

  it('announces a resolution with how long it lasted and what it was', () => {
    const msg = alertMessage('alert_resolved', closed);
    expect(msg.title).toBe('✅ Resolved - nas');
    expect(msg.body).toBe('nginx: back to normal after 1h 30m (was: Container nginx is exited, expected running)');
    expect(msg.tags).toEqual(['white_check_mark', 'docker']);
  });

  it('copes with an alert whose host is unknown', () => {
    expect(alertMessage('alert_opened', { ...alert, host_name: null }).title).toBe('🚨 Docker Alert - unknown host');
  });
});

describe('channel styles', () => {
  const opened = alertMessage('alert_opened', alert);
  const resolved = alertMessage('alert_resolved', closed);

  it('uses ntfy priorities 3/4/4/5 by severity, the override for alerts, and 3 once resolved', () => {
    expect(['info', 'warning', 'error', 'critical'].map((s) => priorityFor(s as never))).toEqual([3, 4, 4, 5]);
    expect(ntfyPriorityFor(opened)).toBe(4);
    expect(ntfyPriorityFor(opened, 5)).toBe(5);
    expect(ntfyPriorityFor(resolved, 5)).toBe(3);
  });

  it('maps severity onto Gotify priorities, Discord colours and Apprise types, calm once resolved', () => {
    const sev = (severity: AlertLike['severity']) => alertMessage('alert_opened', { ...alert, severity });
    expect(['info', 'warning', 'error', 'critical'].map((s) => gotifyPriorityFor(sev(s as never)))).toEqual([4, 5, 7, 9]);
    expect(gotifyPriorityFor(resolved)).toBe(4);
    expect(colorFor(opened)).toBe(0xe74c3c);
    expect(colorFor(resolved)).toBe(0x2ecc71);
    expect(appriseTypeFor(sev('warning'))).toBe('warning');
    expect(appriseTypeFor(opened)).toBe('failure');
    expect(appriseTypeFor(resolved)).toBe('success');
    expect(appriseTypeFor(testMessage('x'))).toBe('info');
  });

  it('renders plain text with the alert details and the link', () => {
    const text = plainText(alertMessage('alert_resolved', closed, { dashboardUrl: 'http://dash/' }));
    expect(text.split('\n')).toEqual([
      'nginx: back to normal after 1h 30m (was: Container nginx is exited, expected running)',
      '',
      'Severity: error',
      'Rule: container_down',
      'Target: docker:1:nginx:down',
      'Opened: 2025-01-01T03:00:00.000Z',
      'Closed: 2025-01-01T04:30:00.000Z',
      '',
      'http://dash/',
    ]);
  });
});

describe('helpers', () => {
  it('formats durations the way a person reads them', () => {
    const at = (s: number) => new Date(Date.parse('2025-01-01T00:00:00Z') + s * 1000).toISOString();
    const from = at(0);
    expect(formatDuration(from, at(40))).toBe('40s');
    expect(formatDuration(from, at(125))).toBe('2m 5s');
    expect(formatDuration(from, at(7500))).toBe('2h 5m');
    expect(formatDuration(from, at(90000))).toBe('1d 1h');
    expect(formatDuration(at(10), from)).toBe('0s');
    expect(formatDuration('garbage', from)).toBe('an unknown time');

  });

  it('truncates to a limit, marking the cut', () => {
    expect(truncate('abcdef', 10)).toBe('abcdef');
    expect(truncate('abcdef', 4)).toBe('abc…');
  });

  it('builds a test message that names the channel', () => {
    expect(testMessage('phone')).toMatchObject({ event: 'test', severity: 'info', body: expect.stringContaining('"phone"') });
  });
});
