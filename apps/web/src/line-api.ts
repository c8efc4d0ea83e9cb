// Types of the back-office LINE APIs: channel settings, SMS settings, auto-replies, rich menus.

export type LineChannel = {
  channelId: string;
  accessTokenHint: string;
  liffId: string;
  greetingText: string;
  webhookUrl: string;
  botName: string | null;
  botUserId: string | null;
  lastTest: { at: string; ok: boolean; message: string } | null;
  updatedAt: string;
};
export type LineTestResult = {
  ok: boolean;
  message: string;
  bot: { name: string; basicId: string; userId: string } | null;
  quota: { type: string; limit: number | null; used: number } | null;
  lineStatus?: number | null;
  lineMessage?: string;
};
export type SmsProvider = 'default' | 'emulator' | 'mitake' | 'every8d' | 'none';
export type SmsSettings = {
  provider: SmsProvider;
  effectiveProvider?: string;
  defaultProvider?: string;
  username: string;
  passwordSet: boolean;
  baseUrl?: string | null;
  reminderFallback: boolean;
  updatedAt?: string | null;
};

export type ReplyContent =
  { type: 'text'; text: string } | { type: 'flex'; altText: string; contents: Record<string, unknown> };
export type AutoReply = {
  id: string;
  name: string;
  matchType: 'keyword' | 'exact';
  triggers: string[];
  priority: number;
  reply: ReplyContent;
  enabled: boolean;
  hits: number;
  updatedAt: string;
};
export type AutoReplyBody = Omit<AutoReply, 'id' | 'hits' | 'updatedAt'>;
export type ImportResult = {
  imported: number;
  failed: number;
  rows: { row: number; ok: boolean; errors: { field: string; message: string }[] }[];
};

export type Bounds = { x: number; y: number; width: number; height: number };
export type LiffPage = 'bind' | 'appointments' | 'family';
export type RichMenuAction =
  | { type: 'liff'; page: LiffPage; label: string }
  | { type: 'message'; text: string; label: string }
  | { type: 'postback'; data: string; displayText?: string; label: string }
  | { type: 'uri'; uri: string; label: string };
export type RichMenuArea = { bounds: Bounds; action: RichMenuAction };
export type RichMenuKind = 'unbound' | 'bound';
export type RichMenu = {
  kind: RichMenuKind;
  name: string;
  chatBarText: string;
  size: { width: number; height: number };
  areas: RichMenuArea[];
  /** false: the server draws a default image from the saved layout */
  hasImage: boolean;
  imageUrl: string | null;
  lineRichMenuId: string | null;
  publishedAt: string | null;
  lastError: string | null;
};
export type RichMenuTemplate = {
  id: string;
  name: string;
  size: { width: number; height: number };
  areas: RichMenuArea[];
};
