/**
 * Writes docs/openapi.json from a running subscriptions service's /docs-json (the local stack's
 * gateway answers it): `npm run up`, then `node dist/scripts/docs/openapi.docs.js [--url URL] [--check]`.
 * `--check` fails when the checked-in file differs from what the service serves.
 */
import { request } from 'undici';
import { DEFAULT_API_URL } from '../cli/cli.config';
import { writeOrCheck } from './docs-file';

export const OPENAPI_DOC = 'docs/openapi.json';

export async function fetchOpenApi(apiUrl: string): Promise<unknown> {
  const response = await request(`${apiUrl.replace(/\/+$/, '')}/docs-json`);
  const text = await response.body.text();
  if (response.statusCode !== 200) throw new Error(`GET /docs-json answered ${response.statusCode}: ${text}`);
  return JSON.parse(text);
}

/** The document as checked in: two-space JSON and a final newline. */
export const renderOpenApi = (document: unknown): string => `${JSON.stringify(document, null, 2)}\n`;

function urlArgument(argv: readonly string[]): string {
  const at = argv.indexOf('--url');
  return at >= 0 && argv[at + 1] !== undefined ? argv[at + 1]! : DEFAULT_API_URL;
}

if (require.main === module)
  fetchOpenApi(urlArgument(process.argv)).then(
    (document) => process.exit(writeOrCheck(OPENAPI_DOC, renderOpenApi(document), process.argv)),
    (error: unknown) => {
      process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
      process.exit(3);
    },
  );
