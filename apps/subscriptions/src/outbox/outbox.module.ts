import { Module } from '@nestjs/common';
import { OutboxRelay } from './outbox.relay';

/** The relay that publishes the outbox; SubscriptionStore writes the rows and wakes it. */
@Module({ providers: [OutboxRelay], exports: [OutboxRelay] })
export class OutboxModule {}
