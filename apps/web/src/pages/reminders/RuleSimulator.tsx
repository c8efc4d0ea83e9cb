// The simulator beside the rules: a visit date and time (and doctor, visit type) → when each
// rule would send and why, computed by the server's planner on the page's UNSAVED document.
// It reruns shortly after every change of the document or of its own inputs.
import { ExperimentOutlined } from '@ant-design/icons';
import { useQuery } from '@tanstack/react-query';
import { Alert, Card, Col, DatePicker, Row, Select, Space, Tag, Timeline, Typography } from 'antd';
import type { Dayjs } from 'dayjs';
import { useEffect, useState } from 'react';
import { api, ApiError, errorMessage, type ApiResponse } from '../../api.ts';
import { dayjs } from '../../format.ts';
import { TimeInput } from './RuleDrawer.tsx';
import { fieldErrorsOf, stripped, type FieldErrors, type Settings } from './rules-model.ts';

export type SimResult = ApiResponse<'/api/reminders/simulate', 'post'>;

const { Text } = Typography;

const REASON: Record<string, string> = {
  disabled: '停用',
  visit_type: '類別不適用',
  after_visit: '晚於看診',
  past: '時間已過',
  merged: '已合併',
  not_new: '非新預約',
  sent: '已發送',
};

/** The first Monday at least four days ahead: its 48-hour reminder falls on a Saturday still to come. */
function nextMonday(): Dayjs {
  let d = dayjs().add(4, 'day').startOf('day');
  while (d.day() !== 1) d = d.add(1, 'day');
  return d;
}

function useDebounced<T>(value: T, ms: number): T {
  const [v, setV] = useState(value);
  useEffect(() => {
    const t = setTimeout(() => setV(value), ms);
    return () => clearTimeout(t);
  }, [value, ms]);
  return v;
}

export function RuleSimulator({
  settings,
  doctors,
  visitTypes,
  onResult,
  onSettingsErrors,
}: {
  settings: Settings | null;
  doctors: { id: string; name: string }[];
  visitTypes: string[];
  /** The latest answer (the page shows each rule's explanation of the unsaved document from it). */
  onResult?: (r: SimResult | null) => void;
  /** The server's messages about the unsaved document (fields without the `settings.` prefix), live. */
  onSettingsErrors?: (e: FieldErrors) => void;
}) {
  const [date, setDate] = useState<Dayjs>(nextMonday);
  const [time, setTime] = useState<string | undefined>('10:00');
  const [doctorId, setDoctorId] = useState<string | null>(null);
  const [visitType, setVisitType] = useState<string | null>(null);
  const input = useDebounced(
    {
      settings: settings ? stripped(settings) : null,
      date: date?.format('YYYY-MM-DD'),
      time,
      doctorId,
      visitType,
    },
    350,
  );
  const sim = useQuery({
    queryKey: ['reminders', 'simulate', input],
    enabled: !!input.settings && !!input.date && !!input.time,
    retry: false,
    placeholderData: (prev) => prev,
    queryFn: () =>
      api.post('/api/reminders/simulate', {
        body: {
          settings: input.settings!,
          date: input.date!,
          time: input.time!,
          doctorId: input.doctorId,
          visitType: input.visitType,
        },
      }),
  });
  useEffect(() => onResult?.(sim.isError ? null : (sim.data ?? null)), [sim.data, sim.isError, onResult]);
  useEffect(() => {
    const all = fieldErrorsOf(sim.error);
    onSettingsErrors?.(
      Object.fromEntries(
        Object.entries(all)
          .filter(([f]) => f.startsWith('settings.'))
          .map(([f, m]) => [f.slice('settings.'.length), m]),
      ),
    );
  }, [sim.error, onSettingsErrors]);

  const items = sim.data?.items ?? [];
  const live = items.filter((i) => !i.skipped).sort((a, b) => a.dueAt!.localeCompare(b.dueAt!));
  const skipped = items.filter((i) => i.skipped);
  const settingsError =
    sim.error instanceof ApiError && sim.error.details.some((d) => d.field?.startsWith('settings.'));

  return (
    <Card
      title={
        <Space>
          <ExperimentOutlined aria-hidden />
          模擬器
        </Space>
      }
      size="small"
      data-testid="rule-simulator"
    >
      <Text type="secondary">依目前畫面上（含尚未儲存）的規則試算：選一個看診時間，看每條提醒何時發送、為什麼。</Text>
      <Row gutter={[8, 8]} style={{ margin: '12px 0' }}>
        <Col span={14}>
          <DatePicker
            aria-label="看診日期"
            value={date}
            allowClear={false}
            onChange={(d) => d && setDate(d)}
            disabledDate={(d) => d.isBefore(dayjs().startOf('day'))}
            format="YYYY/MM/DD（dd）"
            style={{ width: '100%' }}
          />
        </Col>
        <Col span={10}>
          <TimeInput ariaLabel="看診時間" value={time} onChange={setTime} width="100%" />
        </Col>
        <Col span={12}>
          <Select
            aria-label="醫師"
            allowClear
            placeholder="醫師（不指定）"
            style={{ width: '100%' }}
            value={doctorId}
            onChange={(v) => setDoctorId(v ?? null)}
            options={doctors.map((d) => ({ value: d.id, label: d.name }))}
          />
        </Col>
        <Col span={12}>
          <Select
            aria-label="看診類別"
            allowClear
            showSearch
            placeholder="看診類別（不指定）"
            style={{ width: '100%' }}
            value={visitType}
            onChange={(v) => setVisitType(v ?? null)}
            options={visitTypes.map((v) => ({ value: v, label: v }))}
          />
        </Col>
      </Row>
      {sim.isError ? (
        <Alert
          type="warning"
          showIcon
          title={settingsError ? '目前的規則有誤，請先修正標示為紅色的欄位再模擬' : errorMessage(sim.error)}
          description={
            sim.error instanceof ApiError && !settingsError
              ? sim.error.details.map((d) => d.message).join('；')
              : undefined
          }
        />
      ) : sim.data ? (
        <div aria-live="polite" aria-busy={sim.isFetching}>
          <Timeline
            style={{ marginTop: 8 }}
            items={[
              ...live.map((i) => ({
                color: i.essential ? 'green' : 'blue',
                content: (
                  <div data-testid={`sim-${i.ruleId}`}>
                    <Text strong>{i.dueLabel}</Text>
                    <div>
                      {i.ruleName} {i.essential ? <Tag color="green">必要</Tag> : null}
                    </div>
                    <Text type="secondary" style={{ fontSize: 12 }}>
                      {i.explanation}
                    </Text>
                  </div>
                ),
              })),
              {
                color: 'red',
                content: (
                  <div>
                    <Text strong>{sim.data.visit.label}</Text>
                    <div>看診</div>
                  </div>
                ),
              },
            ]}
          />
          {skipped.length ? (
            <>
              <Text type="secondary">不會發送：</Text>
              <ul style={{ paddingInlineStart: 20, margin: '4px 0 0' }}>
                {skipped.map((i) => (
                  <li key={i.ruleId} data-testid={`sim-${i.ruleId}`} style={{ marginBottom: 6 }}>
                    {i.ruleName} <Tag>{REASON[i.reason ?? ''] ?? '略過'}</Tag>
                    <div>
                      <Text type="secondary" style={{ fontSize: 12 }}>
                        {i.explanation}
                      </Text>
                    </div>
                  </li>
                ))}
              </ul>
            </>
          ) : null}
          <Text type="secondary" style={{ fontSize: 12, display: 'block', marginTop: 8 }}>
            假設預約在 {sim.data.bookedAt.label} 建立；時間為診所時區（{sim.data.timeZone}）。模擬不會儲存任何資料。
          </Text>
        </div>
      ) : (
        <Text type="secondary">試算中…</Text>
      )}
    </Card>
  );
}
