import { type TSchema, Type } from '@sinclair/typebox';

/**
 * Shapes every part of the API shares. The contract (src/contract/) is the single source of the API's shapes: the
 * server's routes declare these schemas (responses are serialized through them, so a field missing here never
 * reaches a client), src/core/types.ts derives the TS types from them with Static<>, the web imports those types,
 * and the web's contract test server checks what it answers against them. Pure TypeBox: no I/O, no server imports.
 */
export const Nullable = <T extends TSchema>(t: T) => Type.Union([t, Type.Null()]);

export const ErrorSchema = Type.Object(
  { error: Type.String(), message: Type.String() },
  { $id: 'Error', description: 'Every error: a stable code and a message for people' },
);
export const ErrorRef = Type.Ref(ErrorSchema);

export const IdParams = Type.Object({ id: Type.Integer({ minimum: 1 }) });

/** Standard error responses a route can give, merged into its `response` schema. */
export function errors(...codes: number[]): Record<number, typeof ErrorRef> {
  return Object.fromEntries(codes.map((c) => [c, ErrorRef]));
}
