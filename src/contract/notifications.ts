import { Type } from '@sinclair/typebox';
import { AlertSeveritySchema } from './alerts.js';
import { Nullable } from './common.js';

const Ts = Nullable(Type.String());

const Config = Type.Record(Type.String(), Type.Unknown(), { description: 'the kind\'s config (see GET /api/notifications/kinds); secrets included on write' });

export const ChannelSchema = Type.Object({
  id: Type.Integer(),
  name: Type.String(),
  kind: Type.String(),
  enabled: Type.Boolean(),
  config: Type.Record(Type.String(), Type.Unknown(), { description: 'without secret fields' }),
  secrets_set: Type.Array(Type.String(), { description: 'secret fields that hold a value (never returned)' }),
  notify_resolved: Type.Boolean(),
  min_severity: AlertSeveritySchema,
  last_success_at: Ts,
  last_error: Ts,
  last_error_at: Ts,
  created_at: Type.String(),
  updated_at: Type.String(),
});

export const ChannelKindSchema = Type.Object({
  kind: Type.String(),
  label: Type.String(),
  fields: Type.Array(
    Type.Object({
      name: Type.String(),
      type: Type.String(),
      required: Type.Boolean(),
      secret: Type.Boolean(),
      default: Type.Optional(Type.Unknown()),
      description: Type.Optional(Type.String()),
      schema: Type.Record(Type.String(), Type.Unknown()),
    }),
  ),
});

const Name = Type.String({ minLength: 1, maxLength: 100 });
export const ChannelCreateBody = Type.Object(
  {
    name: Name,
    kind: Type.String({ minLength: 1, maxLength: 32 }),
    enabled: Type.Optional(Type.Boolean()),
    config: Config,
    notify_resolved: Type.Optional(Type.Boolean()),
    min_severity: Type.Optional(AlertSeveritySchema),
  },
  { additionalProperties: false },
);
export const ChannelPatchBody = Type.Object(
  {
    name: Type.Optional(Name),
    enabled: Type.Optional(Type.Boolean()),
    config: Type.Optional(Type.Record(Type.String(), Type.Unknown(), { description: 'keys replace the stored ones; a secret omitted is kept, "" or null removes it' })),
    notify_resolved: Type.Optional(Type.Boolean()),
    min_severity: Type.Optional(AlertSeveritySchema),
  },
  { additionalProperties: false, minProperties: 1 },
);

export const ChannelTestResultSchema = Type.Object({ ok: Type.Boolean(), duration_ms: Type.Integer() });

// The list answers, each an object with one array (room for paging fields without breaking clients).
export const ChannelKindListSchema = Type.Object({ kinds: Type.Array(ChannelKindSchema) });
export const ChannelListSchema = Type.Object({ channels: Type.Array(ChannelSchema) });
