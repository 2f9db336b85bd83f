import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import ssh2 from 'ssh2';
import { SecretBox } from '../core/secret-box.js';

/**
 * Key material the server needs at start, created on first start in the data dir with 0600 permissions:
 * - the master key that encrypts secrets at rest (unless HOMELAB_SECRET_KEY is given),
 * - the dashboard's SSH key (ed25519) unless HOMELAB_SSH_KEY_FILE points at one.
 */
export function loadSecretBox(dataDir: string, secretKey: string | null): SecretBox {
  if (secretKey) return SecretBox.fromString(secretKey);
  const file = path.join(dataDir, 'secret.key');
  if (!fs.existsSync(file)) {
    fs.mkdirSync(dataDir, { recursive: true });
    fs.writeFileSync(file, crypto.randomBytes(32).toString('hex') + '\n', { mode: 0o600, flag: 'wx' });
  }
  return SecretBox.fromString(fs.readFileSync(file, 'utf8').trim());
}

export interface SshKey {
  privateKey: string;
  publicKey: string; // "ssh-ed25519 AAAA... homelab-dashboard"
  file: string;
}

export function loadSshKey(dataDir: string, keyFile: string | null): SshKey {
  const file = keyFile ?? path.join(dataDir, 'ssh', 'id_ed25519');
  if (!fs.existsSync(file)) {
    if (keyFile) throw new Error(`HOMELAB_SSH_KEY_FILE: ${keyFile} does not exist`);
    fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
    const pair = generateEd25519();
    fs.writeFileSync(file, pair.private, { mode: 0o600, flag: 'wx' });
    fs.writeFileSync(`${file}.pub`, pair.public + '\n', { mode: 0o644 });
  }
  const privateKey = fs.readFileSync(file, 'utf8');
  const parsed = ssh2.utils.parseKey(privateKey);
  if (parsed instanceof Error) throw new Error(`cannot read SSH key ${file}: ${parsed.message}`);
  const key = Array.isArray(parsed) ? parsed[0] : parsed;
  let publicKey: string;
  if (fs.existsSync(`${file}.pub`)) publicKey = fs.readFileSync(`${file}.pub`, 'utf8').trim();
  else publicKey = `${key.type} ${key.getPublicSSH().toString('base64')} homelab-dashboard`;
  return { privateKey, publicKey, file };
}

/**
 * ssh2's generator drops a leading zero byte of the ed25519 public key about once in 400 keys, writing a key that no
 * parser (its own included) accepts. Such a pair is detectable: keep only one whose private key parses back whole.
 */
export function generateEd25519(): { private: string; public: string } {
  for (let attempt = 0; attempt < 50; attempt++) {
    const pair = ssh2.utils.generateKeyPairSync('ed25519', { comment: 'homelab-dashboard' });
    const parsed = ssh2.utils.parseKey(pair.private);
    if (!(parsed instanceof Error) && !Array.isArray(parsed) && parsed.getPublicSSH().length === 51) return pair;
  }
  throw new Error('could not generate a valid ed25519 SSH key');
}
