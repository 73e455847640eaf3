import { Module } from '@nestjs/common';
import { OutboxRelay } from './outbox.relay';
import { OutboxWriter } from './outbox.writer';

@Module({ providers: [OutboxRelay, OutboxWriter], exports: [OutboxWriter, OutboxRelay] })
export class OutboxModule {}
