/**
 * hookstream.v1.DeliveryOutcome as @grpc/proto-loader hands it over (field names as in
 * libs/contracts/proto/deliveries.proto): what the log-projector streams from `Deliveries.Watch`
 * and what its clients, such as the CLI, read.
 */
export interface DeliveryOutcomeMessage {
  kind: string;
  dispatch_id: string;
  round: string;
  subscription_id: string;
  event_id: string;
  event_type: string;
  attempt: number;
  response_status?: number;
  error_message?: string;
  next_attempt_at?: string;
  occurred_at: string;
  test: boolean;
}
