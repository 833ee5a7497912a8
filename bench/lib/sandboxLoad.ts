// One Stream Load into the sandbox as a client makes it: the FE's Expect: 100-continue and 307 first, then the body
// to the BE it names, with the same label and credentials.
import { request as httpRequest } from 'node:http';
import { request } from 'undici';

/** The FE step: Expect: 100-continue, no body; answers the BE Location. */
function redirect(feUrl: string, auth: string, label: string, table: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(`${feUrl}/api/bench/${table}/_stream_load`, { method: 'PUT', agent: false, headers: { Authorization: auth, Expect: '100-continue', label, 'Content-Length': '1' } });
    req.on('response', (res) => {
      res.resume();
      req.destroy();
      if (res.statusCode === 307 && res.headers.location) resolve(res.headers.location);
      else reject(new Error(`FE answered ${res.statusCode}`));
    });
    req.on('error', reject);
    req.flushHeaders();
  });
}

/** One load; the sandbox's JSON answer. */
export async function streamLoad(feUrl: string, auth: string, label: string, table: string, headers: Record<string, string>, body: Buffer): Promise<Record<string, unknown>> {
  const location = await redirect(feUrl, auth, label, table);
  const res = await request(location, { method: 'PUT', headers: { authorization: auth, label, ...headers }, body });
  return (await res.body.json()) as Record<string, unknown>;
}
