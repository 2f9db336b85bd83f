// A JSON POST from a chosen loopback source address: each address is a client of its own to the server (its own
// rate-limit budget), which fetch() cannot choose.
import http from 'node:http';

export function postFrom(baseUrl: string, path: string, localAddress: string, body: object, headers: Record<string, string> = {}): Promise<{ status: number; body: any }> {
  const url = new URL(path, baseUrl);
  const payload = JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: url.hostname, port: url.port, path: url.pathname, method: 'POST', localAddress, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload), ...headers } },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (d) => (text += d));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) }));
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}
