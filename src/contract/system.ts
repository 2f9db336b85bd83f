import { Type } from '@sinclair/typebox';

export const HealthSchema = Type.Object({
  status: Type.String({ description: 'ok | degraded' }),
  version: Type.String(),
  uptime_s: Type.Number(),
  database: Type.String({ description: 'ok | unreachable' }),
});

export const SshSettingsSchema = Type.Object({ user: Type.String(), public_key: Type.String() });
