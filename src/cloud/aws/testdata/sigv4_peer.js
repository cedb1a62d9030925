// Independent SigV4 peer for sigv4_sdk_test.cc: signs the requests it reads (a JSON array on
// stdin) with the AWS SDK for JavaScript's signer (@smithy/signature-v4, installed into the
// repository's node_modules by scripts/npm_deps.sh) and prints a JSON array of results:
// {authorization} for header signing, {query} (the signed query parameters) for presigning.
'use strict';
const crypto = require('crypto');
const { SignatureV4 } = require('@smithy/signature-v4');

// SHA-256 / HMAC-SHA256 in the shape the signer wants (update + async digest).
class Sha256 {
  constructor(secret) {
    this.h = secret === undefined ? crypto.createHash('sha256') : crypto.createHmac('sha256', Buffer.from(secret));
  }
  update(data) { this.h.update(Buffer.from(data)); }
  async digest() { return new Uint8Array(this.h.digest()); }
}

async function signOne(c) {
  const signer = new SignatureV4({
    credentials: { accessKeyId: c.access_key_id, secretAccessKey: c.secret_access_key,
                   sessionToken: c.session_token || undefined },
    region: c.region, service: c.service, sha256: Sha256,
    uriEscapePath: c.service !== 's3', applyChecksum: c.service === 's3',
  });
  const query = {};
  for (const [k, v] of c.query) {
    if (query[k] === undefined) query[k] = v;
    else query[k] = [].concat(query[k], v);
  }
  const headers = {};
  for (const [k, v] of c.headers) headers[k] = v;
  const request = { method: c.method, protocol: 'https:', hostname: c.host, path: c.path, query, headers };
  const signingDate = new Date(c.time * 1000);
  if (c.presign) {
    // A body that is not a string is signed as UNSIGNED-PAYLOAD, as S3 presigned URLs are.
    request.body = c.service === 's3' ? {} : c.body;
    const unhoistableHeaders = new Set(Object.keys(headers).map((h) => h.toLowerCase()));
    const out = await signer.presign(request, { signingDate, expiresIn: c.expires, unhoistableHeaders });
    return { query: out.query };
  }
  request.body = c.body;
  const out = await signer.sign(request, { signingDate });
  return { authorization: out.headers.authorization };
}

async function main() {
  const chunks = [];
  for await (const chunk of process.stdin) chunks.push(chunk);
  const cases = JSON.parse(Buffer.concat(chunks).toString('utf8'));
  const results = [];
  for (const c of cases) results.push(await signOne(c));
  process.stdout.write(JSON.stringify(results));
}

main().catch((e) => { process.stderr.write(String(e && e.stack || e) + '\n'); process.exit(1); });
