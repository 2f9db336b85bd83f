import { createHash } from 'node:crypto';

/**
 * OpenSSH-style fingerprint of a raw public key blob (the bytes ssh2's hostVerifier receives, i.e. the base64-decoded
 * second field of a `.pub` line): "SHA256:" + base64 of its SHA-256, without "=" padding. Identical to what
 * `ssh-keygen -lf key.pub` prints, so a user can compare it by eye.
 */
export function sshFingerprint(rawKey: Buffer): string {
  const b64 = createHash('sha256').update(rawKey).digest('base64');
  return `SHA256:${b64.replace(/=+$/, '')}`;
}

/** Fingerprint of an OpenSSH public key line ("ssh-ed25519 AAAA... comment"). */
export function fingerprintOfPublicKeyLine(line: string): string {
  const blob = line.trim().split(/\s+/)[1];
  if (!blob) throw new Error('not an OpenSSH public key line');
  return sshFingerprint(Buffer.from(blob, 'base64'));
}

/**
 * Normalises a pinned fingerprint for comparison: tolerates a trailing "=" padding and surrounding spaces, which
 * people paste; the hash itself is case-sensitive base64 and is kept as is.
 */
export function normalizeFingerprint(fp: string): string {
  const t = fp.trim().replace(/=+$/, '');
  return t.startsWith('SHA256:') ? t : `SHA256:${t}`;
}
