// Kysely table types of the Google Business Profile connection and the synced reviews.
export interface GoogleConnectionsTable {
  clinic_id: string;
  /** connected | needs_location | revoked */
  status: string;
  refresh_token_enc: string | null;
  access_token_enc: string | null;
  access_expires_at: string | null;
  account_name: string | null;
  location_name: string | null;
  location_title: string | null;
  place_id: string | null;
  average_rating: number | null;
  total_review_count: number | null;
  connected_by: string;
  connected_at: string;
  last_sync_at: string | null;
  last_error: string | null;
  updated_at: string;
}

export interface GoogleReviewsTable {
  id: string;
  clinic_id: string;
  location_name: string;
  review_id: string;
  name: string;
  reviewer_name: string;
  star_rating: number;
  comment: string;
  create_time: string;
  update_time: string;
  reply_comment: string | null;
  reply_update_time: string | null;
  replied_by: string | null;
  first_seen_at: string;
}

export interface GoogleReviewTables {
  google_connections: GoogleConnectionsTable;
  google_reviews: GoogleReviewsTable;
}
