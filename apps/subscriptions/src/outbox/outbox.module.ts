import { Module } from '@nestjs/common';
import { OutboxRelay } from './outbox.relay';
import { OutboxStore } from './outbox.store';

/** The relay that publishes the outbox; SubscriptionStore writes the rows and wakes it. */
@Module({ providers: [OutboxRelay, OutboxStore], exports: [OutboxRelay] })
export class OutboxModule {}
