import { createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { header, startServiceReceiver, type ServiceReceiver } from './http.js';

/**
 * A generic webhook endpoint: accepts any POST/PUT on any path with 200 {"ok":true}, and records method, path,
 * headers and the exact bytes received, so a test can check an HMAC signature over the raw body.
 * With `secret`, requests without a valid `X-Homelab-Signature: sha256=<hex>` are refused with 401.
 */
export interface WebhookDelivery {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  rawBody: Buffer;
  json: unknown;
  /** whether the signature header matched the receiver's secret (null when the receiver has none) */
  signatureValid: boolean | null;
  receivedAt: number;
}

export type WebhookReceiver = ServiceReceiver<WebhookDelivery>;

export function verifySignature(secret: string, rawBody: Buffer, signature: string | undefined): boolean {
  if (!signature?.startsWith('sha256=')) return false;
  const expected = Buffer.from(createHmac('sha256', secret).update(rawBody).digest('hex'));
  const given = Buffer.from(signature.slice('sha256='.length));
  return given.length === expected.length && timingSafeEqual(given, expected);
}

export function startWebhookReceiver(options: { secret?: string } = {}): Promise<WebhookReceiver> {
  return startServiceReceiver<WebhookDelivery>((req, accept) => {
    if (req.method !== 'POST' && req.method !== 'PUT') return { status: 405, body: { error: 'method not allowed' } };
    const signatureValid = options.secret
      ? verifySignature(options.secret, req.rawBody, header(req.headers, 'x-homelab-signature'))
      : null;
    if (signatureValid === false) return { status: 401, body: { error: 'bad signature' } };
    accept({
      method: req.method,
      path: req.path,
      headers: req.headers,
      rawBody: req.rawBody,
      json: req.json,
      signatureValid,
      receivedAt: req.receivedAt,
    });
    return { status: 200, body: { ok: true } };
  });
}
