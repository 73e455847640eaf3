import { Inject, Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import type { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity';
import {
  subscriptionChanged,
  subscriptionDeleted,
  type Clock,
  type IdGenerator,
  type SignatureScheme,
  type SubscriptionState,
} from '@hookstream/contracts';
import { invalidFields, isDomainError, type Logger, notFound } from '@hookstream/platform';
import { encryptSecret, generateSecret, generateSigningKeyPair } from '@hookstream/webhooks';
import type { SubscriptionsConfig } from '../subscriptions.config';
import { CLOCK, ID_GENERATOR, SUBSCRIPTIONS_CONFIG, SUBSCRIPTIONS_LOGGER } from '../subscriptions.tokens';
import { EventTypesService } from '../event-types/event-types.service';
import { OutboxWriter } from '../outbox/outbox.writer';
import { type CreateSubscriptionDto, toDraft, toPatch, type UpdateSubscriptionDto } from './subscription.dto';
import { SubscriptionEntity, toRow, toState } from './subscription.entity';
import { signatureProblems, subscriptionFieldProblems } from './subscription.rules';
import { type NewSecret, replaceSecrets, rotateSecrets } from './subscription-secrets.state';
import { applyPatch, createState, disableState } from './subscription.state';

export interface WithSecret {
  state: SubscriptionState;
  /** The plain secret, for the one response that may show it; never an ed25519 secret key. */
  secret?: string;
}

/** A new signing secret: what is stored, and what the caller may see once (HMAC secrets only). */
interface NewKey {
  stored: NewSecret;
  shown?: string;
}

/**
 * The only writer of subscriptions. Every change commits the row and its outbox fact in one
 * transaction; the row lock taken by updates orders concurrent changes of one subscription.
 */
@Injectable()
export class SubscriptionsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly eventTypes: EventTypesService,
    private readonly outbox: OutboxWriter,
    @Inject(SUBSCRIPTIONS_CONFIG) private readonly config: SubscriptionsConfig,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(ID_GENERATOR) private readonly ids: IdGenerator,
    @Inject(SUBSCRIPTIONS_LOGGER) private readonly logger: Logger,
  ) {}

  async create(organizationId: string, dto: CreateSubscriptionDto): Promise<WithSecret> {
    const draft = toDraft(dto);
    await this.check(organizationId, { ...draft, secret: dto.secret });
    const signatureIssues = signatureProblems(draft, dto.secret !== undefined);
    if (signatureIssues.length > 0) throw invalidFields(signatureIssues);
    const key = this.newKey(draft.signature, dto.secret);
    const now = this.clock.now();
    const state = createState({
      id: this.ids.next('wh'),
      organizationId,
      draft,
      secrets: replaceSecrets(key.stored),
      now,
    });
    await this.dataSource.transaction(async (em) => {
      await em.insert(SubscriptionEntity, toRow(state) as QueryDeepPartialEntity<SubscriptionEntity>);
      await this.outbox.append(em, state, (messageId) => subscriptionChanged(state, messageId, now), now);
    });
    this.outbox.committed();
    this.logger.info({ subscriptionId: state.id, organizationId }, 'subscription created');
    return { state, secret: key.shown };
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

  /**
   * A partial update. Changing `signature` switches scheme as a rotation does: a new secret (or
   * key pair) of the new scheme signs at once, the previous one beside it for the grace period,
   * so receivers verifying either keep working. A new HMAC secret is shown in the answer.
   */
  async update(organizationId: string, id: string, dto: UpdateSubscriptionDto): Promise<WithSecret> {
    const patch = toPatch(dto);
    await this.check(organizationId, { ...patch, secret: dto.secret });
    let shown: string | undefined;
    const state = await this.change(organizationId, id, (state, now) => {
      const merged = { ...state, ...patch };
      const signatureIssues = signatureProblems(merged, dto.secret !== undefined);
      if (signatureIssues.length > 0) throw invalidFields(signatureIssues);
      let secrets = state.secrets;
      if (merged.signature !== state.signature) {
        const key = this.newKey(merged.signature, dto.secret);
        shown = key.shown;
        secrets = rotateSecrets(state.secrets, key.stored, now, this.config.secretRotationGraceMs);
      } else if (dto.secret !== undefined) {
        secrets = replaceSecrets(this.encrypt(dto.secret));
      }
      return applyPatch(state, patch, now, secrets);
    });
    return { state, secret: shown };
  }

  /** A new secret of the subscription's scheme; the previous one keeps signing for the grace period. */
  async rotateSecret(organizationId: string, id: string): Promise<WithSecret> {
    let shown: string | undefined;
    const state = await this.change(organizationId, id, (current, now) => {
      const key = this.newKey(current.signature);
      shown = key.shown;
      return applyPatch(
        current,
        {},
        now,
        rotateSecrets(current.secrets, key.stored, now, this.config.secretRotationGraceMs),
      );
    });
    this.logger.info({ subscriptionId: id }, 'subscription secret rotated');
    return { state, secret: shown };
  }

  async remove(organizationId: string, id: string): Promise<void> {
    await this.dataSource.transaction(async (em) => {
      const row = await this.lockRow(em, organizationId, id);
      await em.delete(SubscriptionEntity, { id: row.id });
      const now = this.clock.now();
      await this.outbox.append(em, row, (messageId) => subscriptionDeleted(row, messageId, now), now);
    });
    this.outbox.committed();
    this.logger.info({ subscriptionId: id }, 'subscription deleted');
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
      if (changed) this.logger.warn({ subscriptionId: id, reason }, 'subscription disabled');
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
      await this.outbox.append(em, state, (messageId) => subscriptionChanged(state, messageId, now), now);
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
      allowHttp: this.config.allowHttp,
      allow: this.config.allowList,
    });
    if (problems.length > 0) throw invalidFields(problems);
  }

  /** HMAC: the given or a generated `whsec_` secret. ed25519: a fresh key pair; only its public key is ever shown. */
  private newKey(scheme: SignatureScheme, given?: string): NewKey {
    if (scheme === 'ed25519') {
      const pair = generateSigningKeyPair();
      return { stored: { ciphertext: this.encrypt(pair.secretKey), publicKey: pair.publicKey } };
    }
    const secret = given ?? generateSecret();
    return { stored: { ciphertext: this.encrypt(secret) }, shown: secret };
  }

  private encrypt(secret: string): string {
    return encryptSecret(secret, this.config.secretsKey);
  }
}
