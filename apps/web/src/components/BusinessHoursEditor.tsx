// Weekly clinic hours: per weekday any number of sessions (早診/午診/晚診) as time ranges.
import { CopyOutlined, DeleteOutlined, PlusOutlined } from '@ant-design/icons';
import { Button, Flex, Tag, TimePicker, Tooltip, Typography } from 'antd';
import type { Dayjs } from 'dayjs';
import type { Schema } from '../api.ts';
import { dayjs, WEEKDAY_LABELS } from '../format.ts';

type BusinessHour = Schema<'Clinic'>['businessHours'][number];

export const WEEK_ORDER = [1, 2, 3, 4, 5, 6, 0];
const PRESETS: [string, string][] = [
  ['09:00', '12:00'],
  ['14:00', '17:30'],
  ['18:30', '21:00'],
];

export function sessionName(open: string): string {
  if (open < '12:00') return '早診';
  if (open < '17:00') return '午診';
  return '晚診';
}

export function sortHours(hours: BusinessHour[]): BusinessHour[] {
  return [...hours].sort(
    (a, b) => WEEK_ORDER.indexOf(a.weekday) - WEEK_ORDER.indexOf(b.weekday) || a.open.localeCompare(b.open),
  );
}

/** Problems a person can fix, by weekday (empty when fine). */
export function hoursProblems(hours: BusinessHour[]): string[] {
  const out: string[] = [];
  for (const wd of WEEK_ORDER) {
    const day = hours.filter((h) => h.weekday === wd).sort((a, b) => a.open.localeCompare(b.open));
    if (day.some((h) => h.open >= h.close)) out.push(`${WEEKDAY_LABELS[wd]}有時段的結束時間早於開始時間`);
    for (let i = 1; i < day.length; i++) {
      if (day[i].open < day[i - 1].close) {
        out.push(`${WEEKDAY_LABELS[wd]}的時段彼此重疊`);
        break;
      }
    }
  }
  return out;
}

const t = (s: string) => dayjs(s, 'HH:mm');

type Props = { value?: BusinessHour[]; onChange?: (v: BusinessHour[]) => void; disabled?: boolean };

export function BusinessHoursEditor({ value = [], onChange, disabled }: Props) {
  const set = (next: BusinessHour[]) => onChange?.(sortHours(next));
  const dayOf = (wd: number) => value.filter((h) => h.weekday === wd).sort((a, b) => a.open.localeCompare(b.open));

  function add(wd: number) {
    const day = dayOf(wd);
    const last = day[day.length - 1];
    const preset = PRESETS.find(([open]) => !last || open >= last.close);
    const [open, close] = preset ?? [
      last.close,
      last.close < '23:00' ? dayjs(last.close, 'HH:mm').add(1, 'hour').format('HH:mm') : '23:59',
    ];
    set([...value, { weekday: wd, open, close }]);
  }
  function update(target: BusinessHour, range: [Dayjs | null, Dayjs | null] | null) {
    if (!range || !range[0] || !range[1]) return;
    set(
      value.map((h) =>
        h === target ? { ...h, open: range[0]!.format('HH:mm'), close: range[1]!.format('HH:mm') } : h,
      ),
    );
  }
  function remove(target: BusinessHour) {
    set(value.filter((h) => h !== target));
  }
  function copyMondayToWeekdays() {
    const monday = dayOf(1);
    set([
      ...value.filter((h) => h.weekday < 2 || h.weekday > 5),
      ...[2, 3, 4, 5].flatMap((wd) => monday.map((h) => ({ ...h, weekday: wd }))),
    ]);
  }

  return (
    <>
      <Flex justify="space-between" align="center" style={{ marginBottom: 12 }}>
        <Typography.Text type="secondary">沒有時段的日子視為休診；國定假日與臨時休診將在「提醒」設定。</Typography.Text>
        {!disabled ? (
          <Tooltip title="將週一的時段套用到週二至週五">
            <Button size="small" icon={<CopyOutlined />} onClick={copyMondayToWeekdays} disabled={!dayOf(1).length}>
              週一時段套用到平日
            </Button>
          </Tooltip>
        ) : null}
      </Flex>
      <div style={{ border: '1px solid #e8ecea', borderRadius: 10, overflow: 'hidden' }}>
        {WEEK_ORDER.map((wd, i) => {
          const day = dayOf(wd);
          return (
            <Flex
              key={wd}
              align="flex-start"
              gap={16}
              style={{
                padding: '12px 16px',
                borderTop: i ? '1px solid #f0f2f1' : undefined,
                background: day.length ? '#fff' : '#fafbfa',
              }}
            >
              <Typography.Text strong style={{ width: 44, paddingTop: 5, flexShrink: 0 }}>
                {WEEKDAY_LABELS[wd]}
              </Typography.Text>
              <Flex gap={10} wrap style={{ flex: 1 }} align="center">
                {day.length === 0 ? <Tag style={{ marginTop: 4 }}>休診</Tag> : null}
                {day.map((h) => (
                  <Flex
                    key={`${h.open}-${h.close}`}
                    align="center"
                    gap={6}
                    style={{
                      border: '1px solid #edf0ee',
                      borderRadius: 8,
                      padding: '3px 6px 3px 10px',
                      background: '#fff',
                    }}
                  >
                    <Typography.Text type="secondary" style={{ fontSize: 13 }}>
                      {sessionName(h.open)}
                    </Typography.Text>
                    <TimePicker.RangePicker
                      aria-label={`${WEEKDAY_LABELS[wd]}${sessionName(h.open)}時段`}
                      format="HH:mm"
                      minuteStep={5}
                      value={[t(h.open), t(h.close)]}
                      onChange={(r) => update(h, r as [Dayjs | null, Dayjs | null] | null)}
                      allowClear={false}
                      disabled={disabled}
                      variant="borderless"
                      style={{ width: 150 }}
                      needConfirm={false}
                    />
                    {!disabled ? (
                      <Tooltip title="刪除這個時段">
                        <Button
                          type="text"
                          size="small"
                          icon={<DeleteOutlined />}
                          aria-label={`刪除${WEEKDAY_LABELS[wd]}${sessionName(h.open)}`}
                          onClick={() => remove(h)}
                        />
                      </Tooltip>
                    ) : null}
                  </Flex>
                ))}
                {!disabled ? (
                  <Button type="dashed" size="small" icon={<PlusOutlined />} onClick={() => add(wd)}>
                    新增時段
                  </Button>
                ) : null}
              </Flex>
            </Flex>
          );
        })}
      </div>
    </>
  );
}
