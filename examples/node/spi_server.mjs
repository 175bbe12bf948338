// A merchant's SPI endpoint with node:http: TOP calls it, and every call is
// checked with verifySpi before anything acts on it.
//
//   TOP_APP_SECRET=... node examples/node/spi_server.mjs   # listens on 127.0.0.1:8000
//
// A forged, altered or replayed call is answered 401 (SignatureError); a call
// that cannot be checked at all (multipart, no content type, a malformed
// escape) 400 (any other TopError). No input makes it answer 500.
import http from 'node:http';
import { fileURLToPath } from 'node:url';
import { verifySpi, SignatureError, TopError } from 'topwire';

export function spiHandler(secret) {
  return async (req, res) => {
    const chunks = [];
    for await (const chunk of req) chunks.push(chunk);
    const rawBody = Buffer.concat(chunks);
    const q = req.url.indexOf('?');
    try {
      verifySpi({
        query: q < 0 ? '' : req.url.slice(q + 1), // raw, as sent: `+` and %-escapes intact
        headers: req.headers, // the content type comes from here
        body: rawBody,
        secret,
      });
    } catch (e) {
      if (e instanceof SignatureError) return void res.writeHead(401).end(e.reason); // not from TOP
      if (e instanceof TopError) return void res.writeHead(400).end(e.name); // cannot be checked
      throw e;
    }
    // Only now is the call TOP's: parse rawBody and act on it.
    res.writeHead(200, { 'Content-Type': 'application/json' });
    res.end(JSON.stringify({ result: { success: true } }));
  };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  http.createServer(spiHandler(process.env.TOP_APP_SECRET ?? 'merchant-secret')).listen(8000, '127.0.0.1');
}
