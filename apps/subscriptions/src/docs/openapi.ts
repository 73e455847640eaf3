import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { OpenApiDocument } from './docs.http.controller';

/** Builds the OpenAPI document from the running application's controllers and serves it. */
export function publishOpenApi(app: INestApplication): void {
  const config = new DocumentBuilder()
    .setTitle('Hookstream subscriptions API')
    .setDescription(
      'Subscriptions, event types, event ingest and provisioning. Errors always have the body ' +
        '{"error": {"type", "message"}}. Delivery logs and dispatches are served by the log API.',
    )
    .setVersion('1')
    .addBearerAuth({ type: 'http', scheme: 'bearer', description: 'API key (hs_live_...)' }, 'api-key')
    .addBearerAuth({ type: 'http', scheme: 'bearer', description: 'ADMIN_TOKEN' }, 'admin-token')
    .build();
  app.get(OpenApiDocument).set(SwaggerModule.createDocument(app, config));
}
