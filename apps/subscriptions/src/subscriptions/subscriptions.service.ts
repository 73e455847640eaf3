import { Inject, Injectable, Logger } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import type { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity';
import type { Clock, IdGenerator, SubscriptionState } from '@hookstream/contracts';
import { invalidFields, isDomainError, notFound } from '@hookstream/platform';
import { encryptSecret, generateSecret } from '@hookstream/webhooks';
import type { SubscriptionsConfig } from '../app.config';
import { CLOCK, CONFIG, IDS } from '../app.tokens';
import { EventTypesService } from '../event-types/event-types.service';
import { OutboxWriter } from '../outbox/outbox.writer';
import { type CreateSubscriptionDto, toDraft, toPatch, type UpdateSubscriptionDto } from './subscription.dto';
import { SubscriptionEntity, toRow, toState } from './subscription.entity';
import { subscriptionFieldProblems } from './subscription.rules';
import { replaceSecrets, rotateSecrets } from './subscription.secrets';
import { applyPatch, changedFact, createState, deletedFact, disableState } from './subscription.state';

export interface WithSecret {
  state: SubscriptionState;
  /** The plain secret, for the one response that may show it. */
  secret: string;
}

/**
 * The only writer of subscriptions. Every change commits the row and its outbox fact in one
 * transaction; the row lock taken by updates orders concurrent changes of one subscription.
 */
@Injectable()
export class SubscriptionsService {
  private readonly logger = new Logger(SubscriptionsService.name);

  constructor(
    private readonly dataSource: DataSource,
    private readonly eventTypes: EventTypesService,
    private readonly outbox: OutboxWriter,
    @Inject(CONFIG) private readonly config: SubscriptionsConfig,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(IDS) private readonly ids: IdGenerator,
  ) {}

  async create(organizationId: string, dto: CreateSubscriptionDto): Promise<WithSecret> {
    const draft = toDraft(dto);
    await this.check(organizationId, { ...draft, secret: dto.secret });
    const secret = dto.secret ?? generateSecret();
    const now = this.clock.now();
    const state = createState({
      id: this.ids.next('wh'),
      organizationId,
      draft,
      secrets: replaceSecrets(this.encrypt(secret)),
      now,
    });
    await this.dataSource.transaction(async (em) => {
      await em.insert(SubscriptionEntity, toRow(state) as QueryDeepPartialEntity<SubscriptionEntity>);
      await this.outbox.append(em, state, (messageId) => changedFact(state, messageId, now), now);
    });
    this.outbox.committed();
    this.logger.log(`subscription ${state.id} created for ${organizationId}`);
    return { state, secret };
  }

  async get(organizationId: string, id: string): Promise<SubscriptionState> {
    const row = await this.dataSource.getRepository(SubscriptionEntity).findOneBy({ id, organizationId });
    if (!row) throw notFound(`webhook ${id}`);
    return toState(row);
  }

  async list(
    organizationId: string,
    page: { limit: number; offset: number },
  ): Promise<{ items: SubscriptionState[]; total: number }> {
    const [rows, total] = await this.dataSource.getRepository(SubscriptionEntity).findAndCount({
      where: { organizationId },
      order: { createdAt: 'ASC', id: 'ASC' },
      take: page.limit,
      skip: page.offset,
    });
    return { items: rows.map(toState), total };
  }

  async update(organizationId: string, id: string, dto: UpdateSubscriptionDto): Promise<SubscriptionState> {
    const patch = toPatch(dto);
    await this.check(organizationId, { ...patch, secret: dto.secret });
    const ciphertext = dto.secret === undefined ? undefined : this.encrypt(dto.secret);
    return this.change(organizationId, id, (state, now) =>
      applyPatch(state, patch, now, ciphertext === undefined ? state.secrets : replaceSecrets(ciphertext)),
    );
  }

  async rotateSecret(organizationId: string, id: string): Promise<WithSecret> {
    const secret = generateSecret();
    const ciphertext = this.encrypt(secret);
    const state = await this.change(organizationId, id, (current, now) =>
      applyPatch(
        current,
        {},
        now,
        rotateSecrets(current.secrets, ciphertext, now, this.config.SECRET_ROTATION_GRACE),
      ),
    );
    this.logger.log(`subscription ${id} secret rotated`);
    return { state, secret };
  }

  async remove(organizationId: string, id: string): Promise<void> {
    await this.dataSource.transaction(async (em) => {
      const row = await this.lockRow(em, organizationId, id);
      await em.delete(SubscriptionEntity, { id: row.id });
      const now = this.clock.now();
      await this.outbox.append(em, row, (messageId) => deletedFact(row, messageId, now), now);
    });
    this.outbox.committed();
    this.logger.log(`subscription ${id} deleted`);
  }

  /** The dispatcher's decision (webhook.disabled); false when there was nothing to change. */
  async disable(organizationId: string, id: string, reason: string): Promise<boolean> {
    try {
      let changed = true;
      await this.change(organizationId, id, (state, now) => {
        if (!state.active) {
          changed = false;
          return null;
        }
        return disableState(state, reason, now);
      });
      if (changed) this.logger.warn(`subscription ${id} disabled: ${reason}`);
      return changed;
    } catch (error) {
      if (isDomainError(error) && error.code === 'not_found') return false;
      throw error;
    }
  }

  /** Locks the row, computes the next state (null: no change), writes it with its outbox fact. */
  private async change(
    organizationId: string,
    id: string,
    next: (state: SubscriptionState, now: Date) => SubscriptionState | null,
  ): Promise<SubscriptionState> {
    let result: SubscriptionState | undefined;
    let wrote = false;
    await this.dataSource.transaction(async (em) => {
      const current = toState(await this.lockRow(em, organizationId, id));
      const now = this.clock.now();
      const state = next(current, now);
      result = state ?? current;
      if (!state) return;
      await em.update(
        SubscriptionEntity,
        { id: state.id },
        toRow(state) as QueryDeepPartialEntity<SubscriptionEntity>,
      );
      await this.outbox.append(em, state, (messageId) => changedFact(state, messageId, now), now);
      wrote = true;
    });
    if (wrote) this.outbox.committed();
    return result!;
  }

  private async lockRow(em: EntityManager, organizationId: string, id: string): Promise<SubscriptionEntity> {
    const row = await em.findOne(SubscriptionEntity, {
      where: { id, organizationId },
      lock: { mode: 'pessimistic_write' },
    });
    if (!row) throw notFound(`webhook ${id}`);
    return row;
  }

  private async check(
    organizationId: string,
    fields: Parameters<typeof subscriptionFieldProblems>[0],
  ): Promise<void> {
    const registeredTypes =
      fields.events === undefined
        ? []
        : (await this.eventTypes.typesOf(organizationId)).map((entry) => entry.name);
    const problems = subscriptionFieldProblems(fields, {
      registeredTypes,
      allowHttp: this.config.DELIVERY_ALLOW_HTTP,
      allow: this.config.allowList,
    });
    if (problems.length > 0) throw invalidFields(problems);
  }

  private encrypt(secret: string): string {
    return encryptSecret(secret, this.config.SECRETS_KEY);
  }
}
