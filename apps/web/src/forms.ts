import type { FormInstance } from 'antd';
import { ApiError } from './api.ts';

/**
 * Put the API's per-field errors (`details[].field`, e.g. "email" or "businessHours.3") on the
 * matching Form.Item. Nested paths land on their top-level field (our forms are flat; a
 * composite editor such as the business-hours editor is one Form.Item). `fieldMap` renames API
 * fields to form fields. Returns true when at least one field was marked.
 */
export function applyFieldErrors(form: FormInstance, err: unknown, fieldMap: Record<string, string> = {}): boolean {
  if (!(err instanceof ApiError) || !err.details.length) return false;
  const known = new Set(Object.keys(form.getFieldsValue() ?? {}));
  const byField = new Map<string, string[]>();
  for (const d of err.details) {
    if (!d.field) continue;
    const top = fieldMap[d.field] ?? fieldMap[d.field.split('.')[0]] ?? d.field.split('.')[0];
    if (!known.has(top)) continue;
    byField.set(top, [...(byField.get(top) ?? []), d.message]);
  }
  if (!byField.size) return false;
  form.setFields([...byField].map(([name, errors]) => ({ name, errors: [...new Set(errors)] })));
  return true;
}
