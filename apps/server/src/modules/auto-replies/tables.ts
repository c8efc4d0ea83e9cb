// Kysely table types of the automatic replies (migration 0010_line.ts).
export interface AutoRepliesTable {
  id: string;
  clinic_id: string;
  name: string;
  match_type: string;
  triggers: string;
  priority: number;
  reply_type: string;
  reply: string;
  enabled: number;
  hits: number;
  created_at: string;
  updated_at: string;
}

export interface AutoReplyTables {
  auto_replies: AutoRepliesTable;
}
