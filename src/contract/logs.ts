import { Type } from '@sinclair/typebox';

/** What is captured of a container's output: nothing, one stream, or both. */
export const LogCaptureSchema = Type.Union([Type.Literal('off'), Type.Literal('stdout'), Type.Literal('stderr'), Type.Literal('both')], {
  description: 'log capture: off | stdout | stderr | both (the label homelab.logs.capture sets the default)',
});
export const LOG_CAPTURE_VALUES = ['off', 'stdout', 'stderr', 'both'] as const;

export const ContainerSettingsBody = Type.Object({ log_capture: LogCaptureSchema }, { additionalProperties: false });
export const ContainerSettingsSchema = Type.Object({
  host_id: Type.Integer(),
  container_name: Type.String(),
  log_capture: LogCaptureSchema,
});

const Stream = Type.Union([Type.Literal('stdout'), Type.Literal('stderr')]);

export const LogSearchQuery = Type.Object(
  {
    q: Type.Optional(Type.String({ maxLength: 200, description: 'words that must all appear; empty: no text filter' })),
    host_id: Type.Optional(Type.Integer({ minimum: 1 })),
    container: Type.Optional(Type.String({ minLength: 1, maxLength: 300, description: 'container name' })),
    stream: Type.Optional(Stream),
    since: Type.Optional(Type.String({ format: 'date-time' })),
    until: Type.Optional(Type.String({ format: 'date-time' })),
    limit: Type.Integer({ minimum: 1, maximum: 1000, default: 200 }),
  },
  { additionalProperties: false },
);

export const CapturedLineSchema = Type.Object({
  host_id: Type.Integer(),
  host_name: Type.String(),
  container_name: Type.String(),
  ts: Type.String({ description: 'RFC 3339, nanoseconds' }),
  stream: Stream,
  text: Type.String(),
});

export const LogSearchResultSchema = Type.Object({ lines: Type.Array(CapturedLineSchema) });
