// A range of whole days for a report's filters: shown as YYYY/MM/DD, never empty, reported as
// YYYY-MM-DD strings (the clinic's calendar days the API takes), with the page's presets.
import { DatePicker } from 'antd';
import type { Dayjs } from 'dayjs';

export type DayRangePreset = { label: string; value: [Dayjs, Dayjs] };

export function DayRangePicker({
  value,
  onChange,
  presets,
  label,
}: {
  value: [Dayjs, Dayjs];
  onChange: (from: string, to: string) => void;
  presets: DayRangePreset[];
  label: string;
}) {
  return (
    <DatePicker.RangePicker
      aria-label={label}
      value={value}
      allowClear={false}
      format="YYYY/MM/DD"
      onChange={(v) => {
        if (!v?.[0] || !v[1]) return;
        onChange(v[0].format('YYYY-MM-DD'), v[1].format('YYYY-MM-DD'));
      }}
      presets={presets}
    />
  );
}
