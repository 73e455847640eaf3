import { Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { Subject, type Observable } from 'rxjs';
import type { SequencedFact } from '../projection/delivery-log.project';

/** Facts as they become visible in the read model: published after each committed batch. */
@Injectable()
export class OutcomeFeed implements OnApplicationShutdown {
  private readonly subject = new Subject<SequencedFact>();

  publish(facts: readonly SequencedFact[]): void {
    for (const fact of facts) this.subject.next(fact);
  }

  get facts(): Observable<SequencedFact> {
    return this.subject.asObservable();
  }

  onApplicationShutdown(): void {
    this.subject.complete();
  }
}
