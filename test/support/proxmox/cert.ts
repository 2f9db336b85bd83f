import { execFileSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * A self-signed certificate made with the openssl CLI, as PVE's installer makes one per node (pve-cluster
 * generates pve-ssl.pem). The fingerprint is SHA-256 in PVE's `AA:BB:…` form (what /nodes reports as ssl_fingerprint).
 */
export interface SimCertificate {
  key: string;
  cert: string;
  fingerprint: string;
}

export function makeCertificate(dir: string, name: string, serial: number): SimCertificate {
  const keyFile = join(dir, `${name}-${serial}.key`);
  const certFile = join(dir, `${name}-${serial}.pem`);
  execFileSync('openssl', [
    'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '3650',
    '-subj', `/OU=PVE Cluster Node/O=Proxmox Virtual Environment/CN=${name}.local`,
    '-addext', 'subjectAltName=IP:127.0.0.1,DNS:localhost',
    '-keyout', keyFile, '-out', certFile,
  ], { stdio: 'ignore' });
  const cert = readFileSync(certFile, 'utf8');
  return { key: readFileSync(keyFile, 'utf8'), cert, fingerprint: new X509Certificate(cert).fingerprint256 };
}
