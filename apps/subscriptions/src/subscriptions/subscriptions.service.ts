import { Inject, Injectable } from '@nestjs/common';
import type { Clock, IdGenerator, SignatureScheme, SubscriptionState } from '@hookstream/contracts';
import { invalidFields, isDomainError, type Logger, notFound } from '@hookstream/platform';
import { encryptSecret, generateSecret, generateSigningKeyPair } from '@hookstream/webhooks';
import type { SubscriptionsConfig } from '../subscriptions.config';
import { CLOCK, ID_GENERATOR, SUBSCRIPTIONS_CONFIG, SUBSCRIPTIONS_LOGGER } from '../subscriptions.tokens';
import { EventTypesService } from '../event-types/event-types.service';
import { type CreateSubscriptionDto, toDraft, toPatch, type UpdateSubscriptionDto } from './subscription.dto';
import { signatureProblems, subscriptionFieldProblems } from './subscription.rules';
import { type NewSecret, replaceSecrets, rotateSecrets } from './subscription-secrets.state';
import { applyPatch, createState, disableState } from './subscription.state';
import { SubscriptionStore } from './subscription.store';

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
 * The only writer of subscriptions: it decides each change, and the store commits the row with
 * its outbox fact (see SubscriptionStore).
 */
@Injectable()
export class SubscriptionsService {
  constructor(
    private readonly store: SubscriptionStore,
    private readonly eventTypes: EventTypesService,
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
    await this.store.insert(state, now);
    this.logger.info({ subscriptionId: state.id, organizationId }, 'subscription created');
    return { state, secret: key.shown };
  }

  async get(organizationId: string, id: string): Promise<SubscriptionState> {
    const state = await this.store.find(organizationId, id);
    if (!state) throw notFound(`webhook ${id}`);
    return state;
  }

  async list(
    organizationId: string,
    page: { limit: number; offset: number },
  ): Promise<{ items: SubscriptionState[]; total: number }> {
    return this.store.list(organizationId, page);
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
    if (!(await this.store.delete(organizationId, id))) throw notFound(`webhook ${id}`);
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

  /** The store's change of one subscription; not found when the organization has no such subscription. */
  private async change(
    organizationId: string,
    id: string,
    next: (state: SubscriptionState, now: Date) => SubscriptionState | null,
  ): Promise<SubscriptionState> {
    const state = await this.store.change(organizationId, id, next);
    if (!state) throw notFound(`webhook ${id}`);
    return state;
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
