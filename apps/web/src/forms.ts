import type { FormInstance } from 'antd';
import { ApiError } from './api.ts';

/**
 * Put the API's per-field errors (`details[].field`, e.g. "email" or "businessHours.0.open")
 * on the matching Form.Item. Returns true when at least one field was marked.
 */
export function applyFieldErrors(form: FormInstance, err: unknown, fieldMap: Record<string, string> = {}): boolean {
  if (!(err instanceof ApiError) || !err.details.length) return false;
  const known = new Set(Object.keys(form.getFieldsValue(true) ?? {}));
  const fields = err.details
    .filter((d) => d.field)
    .map((d) => {
      const f = fieldMap[d.field!] ?? d.field!;
      return { name: f.split('.').map((p) => (/^\d+$/.test(p) ? Number(p) : p)), errors: [d.message] };
    })
    .filter((f) => known.has(String(f.name[0])));
  if (!fields.length) return false;
  form.setFields(fields);
  return true;
}
