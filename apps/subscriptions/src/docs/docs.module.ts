import { Module } from '@nestjs/common';
import { DocsHttpController, OpenApiDocument } from './docs.http.controller';

@Module({ controllers: [DocsHttpController], providers: [OpenApiDocument], exports: [OpenApiDocument] })
export class DocsModule {}
