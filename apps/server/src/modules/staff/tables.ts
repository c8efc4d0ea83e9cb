// Staff logins and their sessions (owned by this module).
export interface StaffUsersTable {
  id: string;
  /** null for platform operators, who belong to no clinic. */
  clinic_id: string | null;
  email: string;
  name: string;
  role: string;
  status: string;
  password_hash: string | null;
  invite_token_hash: string | null;
  invite_expires_at: string | null;
  last_login_at: string | null;
  /** The HIS doctor this login is (doctor logins); null when not linked. */
  doctor_id: string | null;
  created_at: string;
  updated_at: string;
}

export interface SessionsTable {
  /** SHA-256 of the cookie's token: the database never holds the token itself. */
  id: string;
  user_id: string;
  clinic_id: string | null;
  csrf_token: string;
  ip: string;
  user_agent: string;
  created_at: string;
  last_seen_at: string;
  expires_at: string;
}

export interface StaffTables {
  staff_users: StaffUsersTable;
  sessions: SessionsTable;
}
