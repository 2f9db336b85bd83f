import crypto from 'node:crypto';

/**
 * AES-256-GCM encryption of secrets at rest (SSH keys, channel tokens, later Portainer/Proxmox credentials).
 * Format: "v1:<iv b64>:<tag b64>:<ciphertext b64>". A wrong key or a tampered value fails loudly (GCM tag).
 */
export class SecretBox {
  private readonly key: Buffer;

  constructor(key: Buffer) {
    if (key.length !== 32) throw new Error('SecretBox needs a 32-byte key');
    this.key = key;
  }

  /** Accepts 64 hex chars, 44-char base64, or any passphrase (stretched with scrypt and a fixed salt). */
  static fromString(secret: string): SecretBox {
    if (/^[0-9a-f]{64}$/i.test(secret)) return new SecretBox(Buffer.from(secret, 'hex'));
    const b = Buffer.from(secret, 'base64');
    if (b.length === 32 && /^[A-Za-z0-9+/]{43}=$/.test(secret)) return new SecretBox(b);
    return new SecretBox(crypto.scryptSync(secret, 'homelab-dashboard-secret-key', 32));
  }

  encrypt(plaintext: string): string {
    const iv = crypto.randomBytes(12);
    const cipher = crypto.createCipheriv('aes-256-gcm', this.key, iv);
    const ct = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return ['v1', iv.toString('base64'), cipher.getAuthTag().toString('base64'), ct.toString('base64')].join(':');
  }

  decrypt(box: string): string {
    const [v, iv, tag, ct] = box.split(':');
    if (v !== 'v1' || !iv || !tag || ct === undefined) throw new Error('not a secret box value');
    const decipher = crypto.createDecipheriv('aes-256-gcm', this.key, Buffer.from(iv, 'base64'));
    decipher.setAuthTag(Buffer.from(tag, 'base64'));
    return Buffer.concat([decipher.update(Buffer.from(ct, 'base64')), decipher.final()]).toString('utf8');
  }

  /** A sub-key for another purpose (e.g. signing JWTs), so one master key file serves all. */
  derive(purpose: string): Buffer {
    return Buffer.from(crypto.hkdfSync('sha256', this.key, Buffer.alloc(0), purpose, 32));
  }
}
