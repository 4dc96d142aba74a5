import { createHash } from 'node:crypto';
import { createReadStream, existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.ico': 'image/x-icon',
  '.webp': 'image/webp',
  '.woff2': 'font/woff2',
  '.woff': 'font/woff',
  '.txt': 'text/plain; charset=utf-8',
  '.webmanifest': 'application/manifest+json',
  '.map': 'application/json; charset=utf-8',
};

/** Paths the SPA fallback must never answer: the API, the socket, the kit's endpoints. */
const RESERVED = /^\/(api|socket\.io)(\/|$)|^\/(health|metrics)$/;

/**
 * The page's CSP: scripts from the gateway itself plus the hashes of the inline bootstrap
 * scripts SvelteKit writes into index.html; the socket on the same origin ('self' covers
 * ws/wss of the same host). Inline style attributes are allowed (Svelte sets them).
 */
export function webCsp(indexHtml: string): string {
  const hashes = [...indexHtml.matchAll(/<script(?![^>]*\bsrc=)[^>]*>([\s\S]*?)<\/script>/gi)].map(
    (m) =>
      `'sha256-${createHash('sha256')
        .update(m[1] as string)
        .digest('base64')}'`,
  );
  return [
    "default-src 'self'",
    `script-src 'self' ${hashes.join(' ')}`.trim(),
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data:",
    "font-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join('; ');
}

export function cacheControl(relative: string): string {
  // SvelteKit puts content-hashed files under _app/immutable: they never change.
  if (relative.startsWith('_app/immutable/')) return 'public, max-age=31536000, immutable';
  return 'no-cache';
}

/**
 * Serves the dashboard's static build on the gateway's origin: files under `root`, and
 * index.html for any other GET that is not an API path (client-side routes). Returns false
 * when `root` has no index.html (API only).
 */
export function serveStaticSite(fastify: FastifyInstance, root: string | undefined): boolean {
  if (!root) return false;
  const base = path.resolve(root);
  const indexFile = path.join(base, 'index.html');
  if (!existsSync(indexFile)) return false;
  const indexHtml = readFileSync(indexFile);
  const csp = webCsp(indexHtml.toString('utf8'));

  const sendIndex = (reply: FastifyReply) =>
    reply
      .header('content-type', TYPES['.html'] as string)
      .header('cache-control', 'no-cache')
      .header('content-security-policy', csp)
      .send(indexHtml);

  const handler = async (request: FastifyRequest, reply: FastifyReply) => {
    const url = request.url.split('?')[0] as string;
    if (RESERVED.test(url)) {
      return reply
        .code(404)
        .header('cache-control', 'no-store')
        .send({ error: { code: 'not_found', message: 'no such route' } });
    }
    let decoded: string;
    try {
      decoded = decodeURIComponent(url);
    } catch {
      return reply.code(400).send({ error: { code: 'bad_request', message: 'malformed path' } });
    }
    const file = path.resolve(base, `.${path.posix.normalize(decoded)}`);
    // Never outside the root (../ or encoded variants) and never dotfiles.
    if (file.startsWith(base + path.sep) && !decoded.split('/').some((p) => p.startsWith('.'))) {
      const stat = statSync(file, { throwIfNoEntry: false });
      if (stat?.isFile()) {
        const relative = path.relative(base, file).split(path.sep).join('/');
        if (relative === 'index.html') return sendIndex(reply);
        return reply
          .header('content-type', TYPES[path.extname(file).toLowerCase()] ?? 'application/octet-stream')
          .header('content-length', stat.size)
          .header('cache-control', cacheControl(relative))
          .send(createReadStream(file));
      }
    }
    // A missing asset (a known file type, or anything under /_app/) is a 404; anything else is a
    // client-side route, dots included (alert ids look like `<key>.<n>`).
    if (decoded.startsWith('/_app/') || TYPES[path.extname(decoded).toLowerCase()] !== undefined) {
      return reply.code(404).header('cache-control', 'no-cache').type('text/plain').send('not found');
    }
    return sendIndex(reply);
  };
  fastify.route({ method: ['GET', 'HEAD'], url: '/*', handler });
  fastify.route({ method: ['GET', 'HEAD'], url: '/', handler });
  return true;
}
