import { type PortainerRule, type RuleResult, type Subject, targetOf } from './alert-rules.js';
import type { AlertSeverity } from './types.js';

/**
 * Alert rules of a Portainer server, as pure functions. One subject per server (`portainer:server:<id>`, its own
 * scope, so a silence on it covers the server), and one rule per kind of trouble, so that when the trouble changes
 * (the certificate is fixed but the password is now wrong) one alert closes and the other opens, each saying what
 * it is about:
 *   portainer:server:<id>:unreachable   network error, timeout, 5xx, an answer that is not Portainer's API
 *   portainer:server:<id>:login         401/403 on the login or with the API key, or the login ban
 *   portainer:server:<id>:certificate   the certificate is not the pinned one (critical: it may be an impostor)
 * A successful test or sync (status online) closes them all.
 *
 * The kind of trouble survives a restart in the server's stored `status_reason`: the Portainer service writes it
 * with one of the prefixes below (problemReason), and problemOf reads it back. No other text is parsed.
 */

export type ServerProblem = 'unreachable' | 'login_refused' | 'certificate';

const PREFIX: Record<Exclude<ServerProblem, 'unreachable'>, string> = {
  login_refused: 'login refused: ',
  certificate: 'certificate refused: ',
};

/** The status_reason the service stores for a failure of this kind. */
export function problemReason(problem: ServerProblem, message: string): string {
  return problem === 'unreachable' ? message : `${PREFIX[problem]}${message}`;
}

/** What a server's stored status fields say is wrong; null when nothing is (online) or nothing is known yet. */
export function problemOf(s: { status: string; status_reason: string | null }): ServerProblem | null {
  if (s.status === 'unreachable') return 'unreachable';
  if (s.status !== 'error') return null;
  const reason = s.status_reason ?? '';
  if (reason.startsWith(PREFIX.login_refused)) return 'login_refused';
  if (reason.startsWith(PREFIX.certificate)) return 'certificate';
  return 'unreachable'; // it answers, but not as a Portainer API the dashboard can use
}

export interface PortainerServerFacts {
  id: number;
  name: string;
  enabled: boolean;
  status: string; // online | error | unreachable | unknown
  status_reason: string | null;
}

export const portainerServerKey = (id: number) => `portainer:server:${id}`;

export function portainerServerSubject(id: number, name: string): Subject {
  const key = portainerServerKey(id);
  return { source: 'portainer', kind: 'server', key, name, scope: key, hostId: null };
}

const RULES: { rule: PortainerRule; problem: ServerProblem; severity: AlertSeverity; message: (name: string, reason: string) => string }[] = [
  { rule: 'portainer_unreachable', problem: 'unreachable', severity: 'error', message: (n, r) => `Portainer server ${n} is unreachable: ${r}` },
  { rule: 'portainer_login_refused', problem: 'login_refused', severity: 'error', message: (n, r) => `Portainer server ${n} refused the dashboard's credentials: ${r}` },
  { rule: 'portainer_certificate', problem: 'certificate', severity: 'critical', message: (n, r) => `Portainer server ${n} presents a TLS certificate other than the pinned one: ${r}` },
];

/**
 * The three rules on one server. `unknown` (never tested nor synced) proves nothing: no verdict. A disabled server
 * is not watched: its alerts close. The grace applies to "unreachable" only (a blip of the network); a refused
 * login or a changed certificate is certain at once.
 */
export function evaluatePortainerServer(f: PortainerServerFacts, graceSeconds: number): RuleResult[] {
  if (f.enabled && f.status === 'unknown') return [];
  const problem = f.enabled ? problemOf(f) : null;
  const subject = portainerServerSubject(f.id, f.name);
  const stored = f.status_reason ?? f.status;
  const prefix = Object.values(PREFIX).find((p) => stored.startsWith(p));
  const reason = prefix ? stored.slice(prefix.length) : stored;
  return RULES.map((r) => ({
    source: 'portainer' as const,
    subject,
    rule: r.rule,
    target: targetOf(subject, r.rule),
    active: problem === r.problem,
    severity: r.severity,
    message: r.message(f.name, reason),
    graceSeconds: r.problem === 'unreachable' ? graceSeconds : 0,
  }));
}
