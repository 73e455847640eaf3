import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, extname, join } from 'node:path';
import { Controller, Get, Inject, Param, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { notFound } from '@hookstream/platform';
import type { SubscriptionsConfig } from '../subscriptions.config';
import { SUBSCRIPTIONS_CONFIG } from '../subscriptions.tokens';

const TYPES: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.html': 'text/html; charset=utf-8',
};

/** dist/portal (the Vite build) above this file, whether it runs from src or dist. */
function portalDir(): string | undefined {
  for (let dir = __dirname; dirname(dir) !== dir; dir = dirname(dir)) {
    const candidate = join(dir, 'dist', 'portal');
    if (existsSync(join(candidate, 'index.html'))) return candidate;
  }
  return undefined;
}

interface Reply {
  setHeader(name: string, value: string): void;
  status(code: number): Reply;
  send(body: Buffer): void;
}

/** The built files, read once: a handful of small hashed assets. */
function loadFiles(dir: string | undefined): Map<string, Buffer> {
  const files = new Map<string, Buffer>();
  if (!dir) return files;
  files.set('index.html', readFileSync(join(dir, 'index.html')));
  const assets = join(dir, 'assets');
  if (existsSync(assets))
    for (const name of readdirSync(assets)) files.set(name, readFileSync(join(assets, name)));
  return files;
}

/** The portal page at /portal. It may be framed only by the origins the deployment names. */
@ApiExcludeController()
@Controller('portal')
export class PortalPageHttpController {
  private readonly files = loadFiles(portalDir());
  private readonly policy: string;

  constructor(@Inject(SUBSCRIPTIONS_CONFIG) config: SubscriptionsConfig) {
    this.policy = [
      "default-src 'self'",
      "script-src 'self'",
      "style-src 'self' 'unsafe-inline'",
      // The session's theme may name a logo on the platform's own host.
      "img-src 'self' https: data:",
      "connect-src 'self'",
      "base-uri 'none'",
      "form-action 'none'",
      `frame-ancestors ${config.portalFrameAncestors}`,
    ].join('; ');
  }

  @Get()
  page(@Res() res: Reply): void {
    const html = this.files.get('index.html');
    if (!html) throw notFound('the portal build (run npm run build)');
    this.send(res, html, '.html', 'no-store');
  }

  @Get('assets/:file')
  asset(@Param('file') file: string, @Res() res: Reply): void {
    const body = this.files.get(file);
    if (!body || file === 'index.html') throw notFound(`portal asset ${file}`);
    // Vite names assets by content hash, so they never change under the same name.
    this.send(res, body, extname(file), 'public, max-age=31536000, immutable');
  }

  private send(res: Reply, body: Buffer, ext: string, cache: string): void {
    res.setHeader('content-type', TYPES[ext] ?? 'application/octet-stream');
    res.setHeader('content-security-policy', this.policy);
    res.setHeader('x-content-type-options', 'nosniff');
    res.setHeader('referrer-policy', 'no-referrer');
    res.setHeader('cache-control', cache);
    res.status(200).send(body);
  }
}
