// 預約: the front desk's appointment list. Filters live in the URL (links from the home
// page land on a filtered list), sorting and paging happen on the server, and the keyboard
// works: / focuses the search, ↑/↓ move, Enter opens the appointment.
import { CalendarOutlined, DeleteOutlined, SaveOutlined, SearchOutlined, StarOutlined } from '@ant-design/icons';
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import {
  Alert,
  App,
  Button,
  Card,
  DatePicker,
  Dropdown,
  Empty,
  Flex,
  Input,
  Modal,
  Segmented,
  Select,
  Table,
  Tag,
  Typography,
  type InputRef,
} from 'antd';
import type { SorterResult, SortOrder } from 'antd/es/table/interface.js';
import { useEffect, useMemo, useRef, useState } from 'react';
import { Link, useSearchParams } from 'react-router';
import { api, errorMessage, type ApiQuery } from '../api.ts';
import { HelpDrawer } from '../components/HelpDrawer.tsx';
import { PhoneReveal } from '../components/PhoneReveal.tsx';
import { useSearchText } from '../components/useSearchText.ts';
import { PageHeader } from '../components/PageHeader.tsx';
import { TableLoading } from '../components/TableLoading.tsx';
import { AppointmentDrawer } from '../frontdesk/AppointmentDrawer.tsx';
import {
  LineTag,
  ReplyTag,
  REPLY_META,
  StatusTag,
  STATUS_META,
  fdKeys,
  localDate,
  useDoctors,
  useFdSettings,
  useVisitTypes,
  ymd,
  weekdayShort,
  type Filters,
  type ListItem,
} from '../frontdesk/data.tsx';
import { dayjs } from '../format.ts';

const FILTER_KEYS = [
  'preset',
  'fromDate',
  'toDate',
  'doctorId',
  'visitType',
  'status',
  'reply',
  'line',
  'q',
  'sort',
  'order',
  'openTasks',
  'failed',
] as const;

/** The date range of a preset (本週 = Monday to Sunday). */
export function presetRange(p: Filters['preset'], from?: string, to?: string): { fromDate?: string; toDate?: string } {
  const today = dayjs();
  if (p === 'today') return { fromDate: localDate(today), toDate: localDate(today) };
  if (p === 'tomorrow') return { fromDate: localDate(today.add(1, 'day')), toDate: localDate(today.add(1, 'day')) };
  if (p === 'week') {
    const monday = today.subtract((today.day() + 6) % 7, 'day');
    return { fromDate: localDate(monday), toDate: localDate(monday.add(6, 'day')) };
  }
  return { fromDate: from, toDate: to };
}

export function AppointmentsPage() {
  const [params, setParams] = useSearchParams();
  const qc = useQueryClient();
  const { message } = App.useApp();
  const doctors = useDoctors();
  const visitTypes = useVisitTypes();
  const roc = useFdSettings().data?.rocDates ?? false;
  const searchRef = useRef<InputRef>(null);
  const [cursor, setCursor] = useState(0);
  const [saveOpen, setSaveOpen] = useState(false);
  const [saveName, setSaveName] = useState('');

  const f: Filters = useMemo(() => {
    const o: Record<string, string> = {};
    for (const k of FILTER_KEYS) {
      const v = params.get(k);
      if (v) o[k] = v;
    }
    if (!o.preset && !o.fromDate && !o.q) o.preset = 'today';
    return o as Filters;
  }, [params]);
  const {
    text: searchText,
    setText: setSearchText,
    search,
  } = useSearchText(f.q, (q) =>
    update(q ? { q, preset: 'custom', fromDate: undefined, toDate: undefined } : { q: undefined }),
  );
  const page = Number(params.get('page') ?? 1);
  const pageSize = Number(params.get('pageSize') ?? 20);
  const openId = params.get('open');
  const range = presetRange(f.preset, f.fromDate, f.toDate);
  // The filters in the URL are text; the server checks each value of the list's query.
  const query = {
    ...f,
    ...range,
    preset: undefined,
    openTasks: f.openTasks ? f.openTasks === 'true' : undefined,
    failed: f.failed ? f.failed === 'true' : undefined,
    page,
    pageSize,
  } as ApiQuery<'/api/appointments'>;

  const list = useQuery({
    queryKey: fdKeys.list(query),
    queryFn: () => api.get('/api/appointments', { params: { query } }),
    placeholderData: keepPreviousData,
    refetchInterval: 30_000,
  });
  const saved = useQuery({
    queryKey: fdKeys.saved,
    queryFn: async () => (await api.get('/api/saved-filters')).items,
  });

  const update = (patch: Record<string, string | number | undefined | null>, keepPage = false) => {
    const next = new URLSearchParams(params);
    for (const [k, v] of Object.entries(patch)) {
      if (v === undefined || v === null || v === '') next.delete(k);
      else next.set(k, String(v));
    }
    if (!keepPage) next.delete('page');
    setParams(next, { replace: true });
  };
  const openAppt = (id: string | null) => update({ open: id }, true);
  const applyFilters = (x: Filters) => {
    const next = new URLSearchParams();
    for (const [k, v] of Object.entries(x)) if (v) next.set(k, String(v));
    setParams(next, { replace: true });
  };

  const saveFilter = useMutation({
    mutationFn: () =>
      api.post('/api/saved-filters', {
        body: { name: saveName.trim(), filters: Object.fromEntries(Object.entries(f).filter(([, v]) => v)) },
      }),
    onSuccess: () => {
      void message.success('已儲存為常用篩選');
      setSaveOpen(false);
      setSaveName('');
      void qc.invalidateQueries({ queryKey: fdKeys.saved });
    },
    onError: (e) => void message.error(errorMessage(e)),
  });
  const deleteFilter = useMutation({
    mutationFn: (id: string) => api.delete('/api/saved-filters/{id}', { params: { path: { id } } }),
    onSuccess: () => void qc.invalidateQueries({ queryKey: fdKeys.saved }),
    onError: (e) => void message.error(errorMessage(e)),
  });

  const items = list.data?.items ?? [];
  // Keyboard: "/" focuses the search; ↑/↓ move the highlighted row; Enter opens it.
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const el = e.target as HTMLElement;
      const typing = el.tagName === 'INPUT' || el.tagName === 'TEXTAREA' || el.isContentEditable;
      if (openId) return;
      if (e.key === '/' && !typing) {
        e.preventDefault();
        searchRef.current?.focus();
      } else if ((e.key === 'ArrowDown' || e.key === 'ArrowUp') && (!typing || el === searchRef.current?.input)) {
        e.preventDefault();
        if (el === searchRef.current?.input) searchRef.current?.blur();
        setCursor((c) => Math.max(0, Math.min(items.length - 1, c + (e.key === 'ArrowDown' ? 1 : -1))));
      } else if (e.key === 'Enter' && !typing && !el.closest('button, a') && items[cursor]) {
        // Enter on a focused button or link (a row's 顯示, a call link, the pager) is that control's own.
        e.preventDefault();
        openAppt(items[cursor].id);
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  });
  useEffect(() => setCursor(0), [list.data?.page, params]);

  // A search over all dates without a chosen order lists today's and upcoming visits first, then
  // the past (newest first).
  const nearestFirst = !!f.q && !f.fromDate && !f.toDate && !f.sort && !f.order;
  const sortOrder = (key: string): SortOrder =>
    nearestFirst ? null : (f.sort ?? 'startsAt') === key ? (f.order === 'desc' ? 'descend' : 'ascend') : null;
  const columns = [
    {
      title: '看診時間',
      dataIndex: 'startsAtUtc',
      key: 'startsAt',
      sorter: true,
      sortOrder: sortOrder('startsAt'),
      width: 170,
      render: (v: string) => (
        <span style={{ fontVariantNumeric: 'tabular-nums' }}>
          <Typography.Text type="secondary">
            {ymd(v, roc)
              .replace(/^\d{4}\//, '')
              .replace(/^民國\d+\//, '')}
            （{weekdayShort(v)}）
          </Typography.Text>{' '}
          <Typography.Text strong>{dayjs(v).format('HH:mm')}</Typography.Text>
        </span>
      ),
    },
    {
      title: '病患',
      dataIndex: 'patientName',
      key: 'patientName',
      sorter: true,
      sortOrder: sortOrder('patientName'),
      render: (_: string, r: ListItem) => (
        <div>
          <Typography.Text strong>{r.patientName}</Typography.Text>
          <div style={{ fontSize: 12, color: 'rgba(0,0,0,0.45)', fontVariantNumeric: 'tabular-nums' }}>
            {r.chartNo ? `病歷 ${r.chartNo}` : null}
            {r.chartNo && r.phoneMasked ? '・' : null}
            {r.phoneMasked ? <PhoneReveal compact patientId={r.patientRef} masked={r.phoneMasked} /> : null}
          </div>
        </div>
      ),
    },
    {
      title: '醫師',
      dataIndex: 'doctorName',
      key: 'doctorName',
      sorter: true,
      sortOrder: sortOrder('doctorName'),
      width: 110,
    },
    {
      title: '類別',
      dataIndex: 'visitType',
      key: 'visitType',
      sorter: true,
      sortOrder: sortOrder('visitType'),
      width: 110,
      render: (v: string | null) => v ?? '—',
    },
    {
      title: '狀態',
      dataIndex: 'status',
      key: 'status',
      sorter: true,
      sortOrder: sortOrder('status'),
      width: 96,
      render: (v: string) => <StatusTag code={v} />,
    },
    {
      title: '病患回覆',
      key: 'reply',
      sorter: true,
      sortOrder: sortOrder('reply'),
      width: 110,
      render: (_: unknown, r: ListItem) => <ReplyTag code={r.lights.reply.code} />,
    },
    {
      title: 'LINE',
      key: 'line',
      width: 118,
      render: (_: unknown, r: ListItem) => <LineTag code={r.lights.line.code} />,
    },
  ];

  const doctorOptions = (doctors.data?.items ?? []).map((d) => ({ value: d.id, label: d.name }));
  const activeFilters = [f.doctorId, f.visitType, f.status, f.reply, f.line, f.q, f.openTasks, f.failed].filter(
    Boolean,
  ).length;

  return (
    <>
      <PageHeader
        title="預約"
        subtitle="由 HIS 即時同步的預約。篩選、搜尋後按一下（或用 ↑↓ 與 Enter）開啟明細處理。"
        extra={
          <Link to="/calendar">
            <Button icon={<CalendarOutlined />}>行事曆</Button>
          </Link>
        }
        help={<HelpDrawer topic="appointments" />}
      />
      <Card styles={{ body: { padding: 16 } }} style={{ marginBottom: 16 }}>
        <Flex gap={12} wrap align="center">
          <Segmented
            value={f.preset ?? 'custom'}
            onChange={(v) =>
              update({
                preset: v === 'custom' ? 'custom' : String(v),
                fromDate: v === 'custom' ? range.fromDate : undefined,
                toDate: v === 'custom' ? range.toDate : undefined,
              })
            }
            options={[
              { label: '今天', value: 'today' },
              { label: '明天', value: 'tomorrow' },
              { label: '本週', value: 'week' },
              { label: '自訂', value: 'custom' },
            ]}
          />
          <DatePicker.RangePicker
            aria-label="日期區間"
            value={range.fromDate && range.toDate ? [dayjs(range.fromDate), dayjs(range.toDate)] : null}
            allowClear={false}
            onChange={(v) =>
              v?.[0] &&
              v[1] &&
              update({ preset: 'custom', fromDate: v[0].format('YYYY-MM-DD'), toDate: v[1].format('YYYY-MM-DD') })
            }
            style={{ width: 250 }}
          />
          <Input
            ref={searchRef}
            allowClear
            prefix={<SearchOutlined style={{ color: 'rgba(0,0,0,0.35)' }} />}
            placeholder="姓名、電話（可只打末 4 碼）、病歷號　按 / 開始搜尋"
            aria-label="搜尋病患"
            value={searchText}
            onPressEnter={() => search(searchText)}
            onChange={(e) => {
              setSearchText(e.target.value);
              if (!e.target.value) search('');
            }}
            style={{ width: 320 }}
          />
          <Flex gap={8} style={{ marginInlineStart: 'auto' }}>
            <Dropdown
              menu={{
                items: [
                  ...(saved.data ?? []).map((s) => ({
                    key: s.id,
                    label: (
                      <Flex justify="space-between" gap={16}>
                        <span>{s.name}</span>
                        <DeleteOutlined
                          aria-label={`刪除 ${s.name}`}
                          onClick={(e) => {
                            e.stopPropagation();
                            deleteFilter.mutate(s.id);
                          }}
                          style={{ color: 'rgba(0,0,0,0.35)' }}
                        />
                      </Flex>
                    ),
                    onClick: () => applyFilters(s.filters),
                  })),
                  ...(saved.data?.length ? [{ type: 'divider' as const }] : []),
                  {
                    key: '__save',
                    icon: <SaveOutlined />,
                    label: '儲存目前的篩選條件…',
                    onClick: () => setSaveOpen(true),
                  },
                ],
              }}
            >
              <Button icon={<StarOutlined />}>常用篩選{saved.data?.length ? `（${saved.data.length}）` : ''}</Button>
            </Dropdown>
          </Flex>
        </Flex>
        <Flex gap={12} wrap style={{ marginTop: 12 }}>
          <Select
            allowClear
            placeholder="全部醫師"
            aria-label="醫師"
            value={f.doctorId}
            onChange={(v) => update({ doctorId: v })}
            options={doctorOptions}
            style={{ width: 150 }}
          />
          <Select
            allowClear
            showSearch
            placeholder="全部類別"
            aria-label="門診類別"
            value={f.visitType}
            onChange={(v) => update({ visitType: v })}
            options={(visitTypes.data?.items ?? []).map((v) => ({ value: v.visitType, label: v.visitType }))}
            notFoundContent="尚無門診類別"
            style={{ width: 140 }}
          />
          <Select
            allowClear
            placeholder="全部狀態"
            aria-label="預約狀態"
            value={f.status}
            onChange={(v) => update({ status: v })}
            options={Object.entries(STATUS_META).map(([value, m]) => ({ value, label: m.label }))}
            style={{ width: 130 }}
          />
          <Select
            allowClear
            placeholder="全部回覆"
            aria-label="病患回覆"
            value={f.reply}
            onChange={(v) => update({ reply: v })}
            options={Object.entries(REPLY_META).map(([value, m]) => ({
              value,
              label: (
                <Flex align="center" gap={6}>
                  <span style={{ width: 8, height: 8, borderRadius: 4, background: m.dot, display: 'inline-block' }} />
                  {m.label}
                </Flex>
              ),
            }))}
            style={{ width: 140 }}
          />
          <Select
            allowClear
            placeholder="LINE 狀態"
            aria-label="LINE 狀態"
            value={f.line}
            onChange={(v) => update({ line: v })}
            options={[
              { value: 'bound', label: '已綁定' },
              { value: 'unbound', label: '未綁定' },
              { value: 'blocked', label: '被封鎖' },
            ]}
            style={{ width: 130 }}
          />
          {f.failed ? (
            <Tag closable color="red" onClose={() => update({ failed: undefined })} style={{ alignSelf: 'center' }}>
              只看提醒發送失敗
            </Tag>
          ) : null}
          {f.openTasks ? (
            <Tag closable color="red" onClose={() => update({ openTasks: undefined })} style={{ alignSelf: 'center' }}>
              只看待處理的取消／改期申請
            </Tag>
          ) : null}
          {activeFilters ? (
            <Button
              type="link"
              onClick={() => applyFilters({ preset: f.preset, fromDate: f.fromDate, toDate: f.toDate })}
            >
              清除篩選
            </Button>
          ) : null}
        </Flex>
      </Card>

      {list.error ? (
        <Alert
          type="error"
          showIcon
          title="預約清單載入失敗"
          description={errorMessage(list.error)}
          style={{ marginBottom: 16 }}
        />
      ) : null}
      <Card styles={{ body: { padding: 0 } }}>
        <Table<ListItem>
          rowKey="id"
          size="small"
          columns={columns}
          dataSource={items}
          loading={list.isFetching && !list.isLoading ? { delay: 300 } : false}
          locale={{
            emptyText: list.isLoading ? (
              <TableLoading rows={8} />
            ) : (
              <Empty
                description={
                  f.q
                    ? `找不到符合「${f.q}」的預約：試試只打電話末 4 碼、病歷號，或把日期改成「自訂」的更大範圍。`
                    : '這段期間沒有符合條件的預約。可以換一個日期或清除篩選；與 HIS 串接後，預約會自動出現。'
                }
              />
            ),
          }}
          onRow={(r, i) => ({
            onClick: () => openAppt(r.id),
            style: { cursor: 'pointer', background: i === cursor ? '#eef8f2' : undefined },
            'aria-selected': i === cursor,
          })}
          onChange={(p, _f, s) => {
            const so = s as SorterResult<ListItem>;
            const key = so.order ? String(so.columnKey) : undefined;
            update(
              {
                page: p.current,
                pageSize: p.pageSize,
                sort: key === 'startsAt' ? undefined : key,
                order: so.order === 'descend' ? 'desc' : undefined,
              },
              true,
            );
          }}
          pagination={{
            current: page,
            pageSize,
            total: list.data?.total ?? 0,
            showSizeChanger: true,
            pageSizeOptions: [20, 50, 100],
            showTotal: (t) => `共 ${t.toLocaleString()} 筆`,
            style: { padding: '0 16px' },
          }}
        />
      </Card>
      <Typography.Paragraph type="secondary" style={{ marginTop: 10, fontSize: 12 }}>
        快速鍵：<kbd>/</kbd> 搜尋　<kbd>↑</kbd>
        <kbd>↓</kbd> 移動　<kbd>Enter</kbd> 開啟明細　<kbd>Esc</kbd> 關閉明細
      </Typography.Paragraph>

      <AppointmentDrawer id={openId} onClose={() => openAppt(null)} />
      <Modal
        open={saveOpen}
        title="儲存常用篩選"
        okText="儲存"
        cancelText="取消"
        onCancel={() => setSaveOpen(false)}
        onOk={() => saveFilter.mutate()}
        okButtonProps={{ disabled: !saveName.trim(), loading: saveFilter.isPending }}
      >
        <Typography.Paragraph type="secondary">
          保存目前的日期（今天／明天／本週會跟著日期變動）、醫師、狀態、回覆與搜尋條件，只有您看得到。
        </Typography.Paragraph>
        <Input
          value={saveName}
          onChange={(e) => setSaveName(e.target.value)}
          maxLength={40}
          placeholder="例如：明天尚未回覆"
          aria-label="名稱"
          onPressEnter={() => saveName.trim() && saveFilter.mutate()}
        />
      </Modal>
    </>
  );
}
