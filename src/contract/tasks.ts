import { Type } from '@sinclair/typebox';
import { Nullable } from './common.js';

const Ts = Nullable(Type.String());

export const TaskStatusSchema = Type.Union([Type.Literal('pending'), Type.Literal('running'), Type.Literal('success'), Type.Literal('failed')]);

export const TaskSchema = Type.Object({
  id: Type.Integer(),
  action: Type.String(),
  status: TaskStatusSchema,
  host_id: Nullable(Type.Integer()),
  target: Ts,
  requested_by: Type.String(),
  output: Ts,
  error: Ts,
  created_at: Type.String(),
  started_at: Ts,
  finished_at: Ts,
  duration_ms: Nullable(Type.Integer()),
});

export const TaskQuery = Type.Object({
  status: Type.Optional(TaskStatusSchema),
  host_id: Type.Optional(Type.Integer({ minimum: 1 })),
  action: Type.Optional(Type.String({ maxLength: 100 })),
  limit: Type.Integer({ minimum: 1, maximum: 1000, default: 100 }),
});

// The list answers, each an object with one array (room for paging fields without breaking clients).
export const TaskListSchema = Type.Object({ tasks: Type.Array(TaskSchema) });
