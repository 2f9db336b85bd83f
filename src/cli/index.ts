import fs from 'node:fs';
import readline from 'node:readline/promises';
import { parseArgs } from 'node:util';
import { ConfigError, loadConfig } from '../config.js';
import type { Role } from '../core/types.js';
import { ROLES } from '../core/types.js';
import { migrateToLatest, openDatabase } from '../db/database.js';
import { HostRepository } from '../db/repositories/host.repository.js';
import { UserRepository } from '../db/repositories/user.repository.js';
import { EventBus } from '../core/event-bus.js';
import { HostService } from '../services/host.service.js';
import { UserService } from '../services/user.service.js';

const USAGE = `homelab — Homelab Dashboard command line

  homelab serve                          start the server (same as npm start)
  homelab migrate                        apply database migrations and exit
  homelab user list                      list users
  homelab user add NAME [--role R] [--password P]
                                         add a user (role viewer|operator|admin, default viewer);
                                         the password is asked for when not given
  homelab user passwd NAME [--password P]
                                         set a user's password
  homelab hosts import FILE              import an Ansible YAML inventory (hosts.yml)

Configuration comes from HOMELAB_* environment variables (see README.md).`;

export async function runCli(argv: string[], out: (s: string) => void = (s) => process.stdout.write(s + '\n')): Promise<number> {
  const { positionals, values } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { role: { type: 'string' }, password: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
  });
  const [cmd, sub, arg] = positionals;
  if (!cmd || values.help || cmd === 'help') {
    out(USAGE);
    // Asked for (--help, help): success. No command at all: a usage error.
    return values.help || cmd === 'help' ? 0 : 1;
  }
  if (cmd === 'serve') {
    await import('../main.js');
    return -1; // keeps running
  }
  const config = loadConfig();
  const db = openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
  try {
    const applied = await migrateToLatest(db.kysely);
    if (cmd === 'migrate') {
      out(applied.length ? `applied: ${applied.join(', ')}` : 'database is up to date');
      return 0;
    }
    const users = new UserService(new UserRepository(db.kysely));
    if (cmd === 'user' && sub === 'list') {
      for (const u of await users.list()) out(`${u.id}\t${u.username}\t${u.role}\tlast login: ${u.last_login_at ?? 'never'}`);
      return 0;
    }
    if (cmd === 'user' && (sub === 'add' || sub === 'passwd') && arg) {
      const password = values.password ?? (await ask(`password for ${arg}: `));
      if (sub === 'add') {
        const role = (values.role ?? 'viewer') as Role;
        if (!ROLES.includes(role)) throw new Error(`--role must be one of ${ROLES.join(', ')}`);
        const u = await users.create({ username: arg, password, role });
        out(`created ${u.role} ${u.username} (id ${u.id})`);
      } else {
        await users.setPassword(arg, password);
        out(`password of ${arg} changed`);
      }
      return 0;
    }
    if (cmd === 'hosts' && sub === 'import' && arg) {
      const text = fs.readFileSync(arg, 'utf8');
      const noProbe = { check: () => Promise.reject(new Error('not available from the command line')), invalidate: () => {} };
      const hosts = new HostService(new HostRepository(db.kysely), noProbe, new EventBus(), config.sshUser);
      const r = await hosts.importInventory(text);
      out(`created ${r.created}, updated ${r.updated}, skipped ${r.skipped}`);
      return 0;
    }
    out(USAGE);
    return 1;
  } finally {
    await db.close();
  }
}

async function ask(prompt: string): Promise<string> {
  const rl = readline.createInterface({ input: process.stdin, output: process.stdout, terminal: process.stdin.isTTY });
  try {
    return (await rl.question(prompt)).trim();
  } finally {
    rl.close();
  }
}

const isMain = process.argv[1] && import.meta.url === new URL(`file://${fs.realpathSync(process.argv[1])}`).href;
if (isMain) {
  runCli(process.argv.slice(2)).then(
    (code) => {
      if (code >= 0) process.exit(code);
    },
    (err) => {
      process.stderr.write(`${err instanceof ConfigError ? 'configuration error: ' : 'error: '}${(err as Error).message}\n`);
      process.exit(err instanceof ConfigError ? 2 : 1);
    },
  );
}
