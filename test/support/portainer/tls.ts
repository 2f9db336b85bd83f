// A self-signed certificate for the simulator's HTTPS mode, made with the openssl CLI (as Portainer makes its own
// default one on 9443), and its SHA-256 fingerprint for pinning tests.
import { execFile } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface SimCertificate {
  cert: string;
  key: string;
  /** SHA-256 of the DER certificate, upper-case hex pairs joined by ':' (as `openssl x509 -fingerprint -sha256`). */
  fingerprint256: string;
}

export async function makeCertificate(commonName = 'portainer-sim'): Promise<SimCertificate> {
  const dir = mkdtempSync(join(tmpdir(), 'portainer-sim-tls-'));
  try {
    await run('openssl', [
      'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes',
      '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem'), '-days', '2',
      '-subj', `/CN=${commonName}`, '-addext', 'subjectAltName=IP:127.0.0.1,DNS:localhost',
    ], { timeout: 30_000 });
    const cert = readFileSync(join(dir, 'cert.pem'), 'utf8');
    const key = readFileSync(join(dir, 'key.pem'), 'utf8');
    return { cert, key, fingerprint256: new X509Certificate(cert).fingerprint256 };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
