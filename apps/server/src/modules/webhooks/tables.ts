// Kysely table types of the outbound HIS webhooks: the endpoint, the events and each attempt.
import type { Generated } from 'kysely';

export interface WebhookEndpointsTable {
  clinic_id: string;
  url: string;
  secret_enc: string;
  created_at: string;
  updated_at: string;
}

export interface WebhookEventsTable {
  id: string;
  clinic_id: string;
  type: string;
  body: string;
  ordering_key: string;
  status: string;
  attempts: Generated<number>;
  created_at: string;
  delivered_at: string | null;
}

export interface WebhookDeliveriesTable {
  id: Generated<number>;
  clinic_id: string;
  event_id: string;
  event_type: string;
  attempt: number;
  url: string;
  ok: number;
  status_code: number | null;
  duration_ms: number;
  error: string | null;
  created_at: string;
}

export interface WebhookTables {
  webhook_endpoints: WebhookEndpointsTable;
  webhook_events: WebhookEventsTable;
  webhook_deliveries: WebhookDeliveriesTable;
}
