import { Type } from '@sinclair/typebox';
import { Nullable } from './common.js';

const Ts = Nullable(Type.String());

export const RoleSchema = Type.Union([Type.Literal('viewer'), Type.Literal('operator'), Type.Literal('admin')]);

export const UserSchema = Type.Object({
  id: Type.Integer(),
  username: Type.String(),
  role: RoleSchema,
  created_at: Type.String(),
  last_login_at: Ts,
});

export const ApiTokenSchema = Type.Object({
  id: Type.Integer(),
  name: Type.String(),
  prefix: Type.String(),
  role: RoleSchema,
  user_id: Type.Integer(),
  created_at: Type.String(),
  last_used_at: Ts,
  expires_at: Ts,
});

export const LoginBody = Type.Object(
  {
    username: Type.String({ minLength: 1, maxLength: 64 }),
    password: Type.String({ minLength: 1, maxLength: 1024 }),
    grant_type: Type.Optional(Type.String()),
    scope: Type.Optional(Type.String()),
  },
  { description: 'JSON, or the OAuth2 password form (application/x-www-form-urlencoded)' },
);

export const LoginResultSchema = Type.Object({ access_token: Type.String(), token_type: Type.Literal('bearer'), expires_in: Type.Integer() });

export const MeSchema = Type.Pick(UserSchema, ['id', 'username', 'role']);

export const UserCreateBody = Type.Object({ username: Type.String(), password: Type.String(), role: RoleSchema });

export const UserPatchBody = Type.Object({ password: Type.Optional(Type.String()), role: Type.Optional(RoleSchema) }, { minProperties: 1 });

export const TokenCreateBody = Type.Object({
  name: Type.String({ minLength: 1, maxLength: 64 }),
  role: Type.Optional(RoleSchema),
  expires_in_days: Type.Optional(Type.Integer({ minimum: 1, maximum: 3650 })),
});

export const TokenCreatedSchema = Type.Object({ token: ApiTokenSchema, secret: Type.String() });

// The list answers, each an object with one array (room for paging fields without breaking clients).
export const UserListSchema = Type.Object({ users: Type.Array(UserSchema) });
export const TokenListSchema = Type.Object({ tokens: Type.Array(ApiTokenSchema) });
