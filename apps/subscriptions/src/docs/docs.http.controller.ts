import { createReadStream } from 'node:fs';
import { dirname, join } from 'node:path';
import { Controller, Get, Header, Injectable, Param, Res, StreamableFile } from '@nestjs/common';
import { ApiExcludeController, type OpenAPIObject } from '@nestjs/swagger';
import { notFound, unavailable } from '@hookstream/platform';

/** The OpenAPI document, built by main.ts once the application's routes are known. */
@Injectable()
export class OpenApiDocument {
  private document?: OpenAPIObject;

  set(document: OpenAPIObject): void {
    this.document = document;
  }

  get(): OpenAPIObject {
    if (!this.document) throw unavailable('the API document is being prepared');
    return this.document;
  }
}

const SWAGGER_UI_DIR = dirname(require.resolve('swagger-ui-dist/package.json'));

const ASSETS: Readonly<Record<string, string>> = {
  'swagger-ui.css': 'text/css; charset=utf-8',
  'swagger-ui-bundle.js': 'application/javascript; charset=utf-8',
  'swagger-ui-standalone-preset.js': 'application/javascript; charset=utf-8',
  'favicon-32x32.png': 'image/png',
};

const PAGE = `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>Hookstream API</title>
  <link rel="stylesheet" href="/docs/swagger-ui.css">
  <link rel="icon" type="image/png" href="/docs/favicon-32x32.png">
</head>
<body>
  <div id="swagger-ui"></div>
  <script src="/docs/swagger-ui-bundle.js"></script>
  <script src="/docs/swagger-ui-standalone-preset.js"></script>
  <script>
    window.ui = SwaggerUIBundle({
      url: '/docs-json',
      dom_id: '#swagger-ui',
      presets: [SwaggerUIBundle.presets.apis, SwaggerUIStandalonePreset],
      layout: 'StandaloneLayout',
    });
  </script>
</body>
</html>
`;

interface HeaderResponse {
  setHeader(name: string, value: string): void;
}

/**
 * Swagger UI at /docs and the document at /docs-json. Served by a controller rather than
 * SwaggerModule.setup because the routes must exist before the service starts listening, and
 * the document can only be built from the started application.
 */
@ApiExcludeController()
@Controller()
export class DocsHttpController {
  constructor(private readonly document: OpenApiDocument) {}

  @Get('docs')
  @Header('Content-Type', 'text/html; charset=utf-8')
  page(): string {
    return PAGE;
  }

  @Get('docs-json')
  json(): OpenAPIObject {
    return this.document.get();
  }

  @Get('docs/:asset')
  asset(@Param('asset') asset: string, @Res({ passthrough: true }) response: HeaderResponse): StreamableFile {
    const type = ASSETS[asset];
    if (!type) throw notFound(`docs asset ${asset}`);
    response.setHeader('Content-Type', type);
    response.setHeader('Cache-Control', 'public, max-age=86400');
    return new StreamableFile(createReadStream(join(SWAGGER_UI_DIR, asset)));
  }
}
