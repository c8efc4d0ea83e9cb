// Kysely table types of the rich-menu module (migration 0020_binding.ts).
export interface RichMenusTable {
  clinic_id: string;
  kind: string;
  name: string;
  chat_bar_text: string;
  width: number;
  height: number;
  areas: string;
  image_b64: string | null;
  image_type: string | null;
  line_rich_menu_id: string | null;
  published_at: string | null;
  last_error: string | null;
  updated_at: string;
}

export interface RichMenuTables {
  rich_menus: RichMenusTable;
}
