import type { AlertSeverity } from '../../core/types.js';

/**
 * API shapes of the alerting area beyond core's Alert (type-only imports from web/ are fine).
 * Timestamps are ISO-8601 UTC strings or null.
 */

/** A notification channel as the API returns it: never a secret, only which secrets are set. */
export interface NotificationChannel {
  id: number;
  name: string;
  kind: string; // ntfy | webhook | gotify | discord | slack | telegram | email | apprise
  enabled: boolean;
  config: Record<string, unknown>; // without the secret fields
  secrets_set: string[]; // names of the secret fields that hold a value
  notify_resolved: boolean;
  min_severity: AlertSeverity;
  last_success_at: string | null;
  last_error: string | null;
  last_error_at: string | null;
  created_at: string;
  updated_at: string;
}

/** One config field of a channel kind, for building a form. */
export interface ChannelField {
  name: string;
  type: string; // string | integer | boolean | array | ...
  required: boolean;
  secret: boolean;
  default?: unknown;
  description?: string;
  /** the field's JSON schema (pattern, minimum, enum...) */
  schema: Record<string, unknown>;
}

export interface ChannelKindInfo {
  kind: string;
  label: string;
  fields: ChannelField[];
}

/**
 * A maintenance window: alerts still open and show; their notifications wait until `until`. It covers one subject
 * (`subject_key`) or, with `subject_key` null, every subject under `scope` (a whole host today).
 */
export interface Silence {
  id: number;
  host_id: number | null; // the host of the scope or subject; null for a scope that is not a host
  host_name: string | null;
  container_name: string | null; // a silenced container's name; null = not one container (a whole host, another subject)
  subject_key: string | null;
  scope: string;
  reason: string | null;
  until: string;
  created_by: string;
  created_at: string;
  active: boolean;
}
