import { AppError, conflict, invalid, notFound } from '../core/errors.js';
import type { Role, User } from '../core/types.js';
import { mapUser, type UserRepository } from '../db/repositories/user.repository.js';
import { AuthService } from './auth.service.js';

const USERNAME = /^[a-zA-Z0-9][a-zA-Z0-9._-]{0,63}$/;
export const MIN_PASSWORD = 8;

export class UserService {
  constructor(
    private readonly users: UserRepository,
    /** told when a user's sessions end (password, role, removal): open WebSockets of that user are checked at once */
    private readonly onSessionsEnded: (userId: number) => void = () => {},
  ) {}

  async list(): Promise<User[]> {
    return (await this.users.list()).map(mapUser);
  }

  async create(input: { username: string; password: string; role: Role }): Promise<User> {
    if (!USERNAME.test(input.username)) {
      throw invalid('username: 1-64 letters, digits, dot, dash or underscore, starting with a letter or digit');
    }
    checkPassword(input.password);
    if (await this.users.getByUsername(input.username)) throw conflict('user_exists', `user ${input.username} already exists`);
    const row = await this.users.create({
      username: input.username,
      role: input.role,
      password_hash: await AuthService.hashPassword(input.password),
    });
    return mapUser(row);
  }

  async update(id: number, patch: { password?: string; role?: Role }): Promise<User> {
    const user = await this.users.get(id);
    if (!user) throw notFound('user', id);
    if (patch.role && patch.role !== 'admin' && user.role === 'admin' && (await this.users.countAdmins()) <= 1) {
      throw conflict('last_admin', 'cannot demote the last admin: make another user admin first');
    }
    const changes: { password_hash?: string; role?: Role } = {};
    if (patch.password !== undefined) {
      checkPassword(patch.password);
      changes.password_hash = await AuthService.hashPassword(patch.password);
    }
    if (patch.role) changes.role = patch.role;
    // A new password or another role: the sessions opened before end now, not when their JWTs expire.
    const ends = changes.password_hash !== undefined || (patch.role !== undefined && patch.role !== user.role);
    const row = await this.users.update(id, changes, ends);
    if (ends) this.onSessionsEnded(id);
    return mapUser(row!);
  }

  async remove(id: number, actorId: number): Promise<void> {
    const user = await this.users.get(id);
    if (!user) throw notFound('user', id);
    if (id === actorId) throw conflict('self_delete', 'you cannot delete your own account');
    if (user.role === 'admin' && (await this.users.countAdmins()) <= 1) {
      throw conflict('last_admin', 'cannot delete the last admin');
    }
    await this.users.remove(id);
    this.onSessionsEnded(id);
  }

  /**
   * First start: create the admin from the environment, or with a random password returned to print once.
   * "First" means no admin yet, not no user: users added with the CLI before the first start (say an operator)
   * must not leave a server nobody can administer. A name already taken is left alone.
   */
  async ensureAdmin(username: string, password: string | null): Promise<{ created: boolean; password?: string }> {
    if ((await this.users.countAdmins()) > 0 || (await this.users.getByUsername(username))) return { created: false };
    const pwd = password ?? randomPassword();
    await this.create({ username, password: pwd, role: 'admin' });
    return { created: true, password: password ? undefined : pwd };
  }

  async setPassword(username: string, password: string): Promise<void> {
    const user = await this.users.getByUsername(username);
    if (!user) throw notFound('user', username);
    checkPassword(password);
    await this.users.update(user.id, { password_hash: await AuthService.hashPassword(password) }, true);
    this.onSessionsEnded(user.id);
  }
}

function checkPassword(p: string): void {
  if (p.length < MIN_PASSWORD) throw invalid(`password: at least ${MIN_PASSWORD} characters`);
  if (p.length > 1024) throw new AppError(422, 'invalid_input', 'password: at most 1024 characters');
}

function randomPassword(): string {
  const alphabet = 'abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789';
  const bytes = new Uint8Array(20);
  crypto.getRandomValues(bytes);
  return Array.from(bytes, (b) => alphabet[b % alphabet.length]).join('');
}
