// 病患名單: search as you type (debounced), filters, tags, server-side paging and sorting,
// add patient, tag selected rows, export the current filter (CSV/XLSX with progress), and
// the LINE friends not yet bound to a patient.
import {
  DownloadOutlined,
  MergeCellsOutlined,
  PlusOutlined,
  SearchOutlined,
  TagsOutlined,
  UploadOutlined,
} from '@ant-design/icons';
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import {
  App,
  Button,
  Card,
  Drawer,
  Dropdown,
  Flex,
  Form,
  Input,
  InputNumber,
  Modal,
  Progress,
  Select,
  Space,
  Table,
  Tabs,
  Tag,
  Typography,
} from 'antd';
import type { TableProps } from 'antd';
import { useEffect, useState } from 'react';
import { Link, useNavigate, useSearchParams } from 'react-router';
import { api, errorMessage, type ApiBody, type ApiQuery } from '../../api.ts';
import { HelpDrawer } from '../../components/HelpDrawer.tsx';
import { PageHeader } from '../../components/PageHeader.tsx';
import { PhoneReveal } from '../../components/PhoneReveal.tsx';
import { formatDate, formatDateTime, fromNow } from '../../format.ts';
import { applyFieldErrors } from '../../forms.ts';
import { useUser } from '../../session.tsx';
import {
  cleanFilter,
  filterQuery,
  textOrNull,
  LINE_COLORS,
  LINE_OPTIONS,
  SOURCE_LABEL,
  useDebounced,
  type PatientDetail,
  type PatientFilter,
  type PatientItem,
  type Transfer,
} from './api.ts';

const { Text } = Typography;
/** The list's order: the sortable columns' keys are the API's sort keys. */
type Sort = Required<Pick<ApiQuery<'/api/patients'>, 'sort' | 'order'>>;

export function useTags() {
  return useQuery({ queryKey: ['tags'], queryFn: () => api.get('/api/tags') });
}

export function TagChips({ tags }: { tags: { id: string; name: string; color: string; source?: string }[] }) {
  return (
    <Space size={[4, 4]} wrap>
      {tags.map((t) => (
        <Tag key={t.id} color={t.color} variant={t.source === 'auto' ? 'outlined' : 'filled'}>
          {t.name}
        </Tag>
      ))}
    </Space>
  );
}

type PatientForm = {
  name: string;
  phone?: string;
  chartNo?: string | null;
  birthDate?: string | null;
  nationalId?: string;
  gender?: ApiBody<'/api/patients', 'post'>['gender'];
  notes?: string;
};

export function PatientFormDrawer({
  open,
  patient,
  onClose,
}: {
  open: boolean;
  patient: PatientDetail | null;
  onClose: (id?: string) => void;
}) {
  const [form] = Form.useForm<PatientForm>();
  const qc = useQueryClient();
  const { message } = App.useApp();
  const his = new Set(patient?.hisOwnedFields ?? []);
  useEffect(() => {
    if (!open) return;
    form.resetFields();
    if (patient)
      form.setFieldsValue({
        name: patient.name,
        chartNo: patient.chartNo,
        birthDate: patient.birthDate,
        gender: patient.gender,
        notes: patient.notes,
      });
  }, [open, patient, form]);
  const save = useMutation({
    mutationFn: async (v: PatientForm) => {
      // An emptied optional field is sent as null (clear it); the server refuses "" for them.
      // Editing, the phone and national ID are shown masked: left empty, they stay as they are.
      const fields: ApiBody<'/api/patients/{id}', 'patch'> = {
        name: v.name,
        phone: textOrNull(v.phone),
        chartNo: textOrNull(v.chartNo),
        birthDate: textOrNull(v.birthDate),
        nationalId: textOrNull(v.nationalId),
        gender: v.gender ?? null,
        notes: v.notes ?? '',
      };
      if (patient) {
        if (fields.phone === null) delete fields.phone;
        if (fields.nationalId === null) delete fields.nationalId;
      }
      for (const f of his) delete fields[f as keyof typeof fields];
      return patient
        ? api.patch('/api/patients/{id}', { params: { path: { id: patient.id } }, body: fields })
        : api.post('/api/patients', { body: { ...fields, name: v.name } });
    },
    onSuccess: (p) => {
      message.success(patient ? '已儲存' : `已新增病患 ${p.name}`);
      void qc.invalidateQueries({ queryKey: ['patients'] });
      void qc.invalidateQueries({ queryKey: ['patient', p.id] });
      onClose(p.id);
    },
    onError: (e) => {
      if (!applyFieldErrors(form, e)) message.error(errorMessage(e));
    },
  });
  const label = (text: string, field: string) =>
    his.has(field) ? (
      <Space size={4}>
        {text}
        <Tag color="geekblue">HIS</Tag>
      </Space>
    ) : (
      text
    );
  return (
    <Drawer
      title={patient ? `編輯病患：${patient.name}` : '新增病患'}
      open={open}
      onClose={() => onClose()}
      size={480}
      extra={
        <Button type="primary" loading={save.isPending} onClick={() => form.submit()}>
          儲存
        </Button>
      }
    >
      {his.size ? (
        <Typography.Paragraph type="secondary">
          標示「HIS」的欄位由醫院資訊系統管理，請在 HIS 修改；HIS 的更新會覆蓋後台的修改。備註與標籤可以在這裡編輯。
        </Typography.Paragraph>
      ) : null}
      <Form form={form} layout="vertical" onFinish={(v) => save.mutate(v)} requiredMark="optional">
        <Form.Item name="name" label={label('姓名', 'name')} rules={[{ required: true, message: '請輸入姓名' }]}>
          <Input disabled={his.has('name')} maxLength={50} />
        </Form.Item>
        <Form.Item
          name="phone"
          label={label('電話', 'phone')}
          extra={patient ? `目前：${patient.phoneMasked ?? '—'}（留空表示不變）` : '手機 0912-345-678 或市話含區碼'}
        >
          <Input disabled={his.has('phone')} />
        </Form.Item>
        <Form.Item name="chartNo" label={label('病歷號', 'chartNo')}>
          <Input disabled={his.has('chartNo')} />
        </Form.Item>
        <Form.Item name="birthDate" label={label('生日', 'birthDate')} extra="西元 YYYY-MM-DD">
          <Input disabled={his.has('birthDate')} placeholder="1980-05-17" />
        </Form.Item>
        <Form.Item
          name="nationalId"
          label={label('身分證字號', 'nationalId')}
          extra={patient ? `目前：${patient.nationalIdMasked ?? '—'}（留空表示不變）` : '會檢查檢查碼，加密儲存'}
        >
          <Input disabled={his.has('nationalId')} />
        </Form.Item>
        <Form.Item name="gender" label={label('性別', 'gender')}>
          <Select
            allowClear
            disabled={his.has('gender')}
            options={[
              { value: 'male', label: '男' },
              { value: 'female', label: '女' },
              { value: 'other', label: '其他' },
              { value: 'unknown', label: '不明' },
            ]}
          />
        </Form.Item>
        <Form.Item name="notes" label="備註（後台）">
          <Input.TextArea rows={3} maxLength={2000} />
        </Form.Item>
      </Form>
    </Drawer>
  );
}

function ExportButton({ filter }: { filter: PatientFilter }) {
  const { message } = App.useApp();
  const [job, setJob] = useState<Transfer | null>(null);
  useEffect(() => {
    if (!job || job.status === 'done') return;
    const t = setInterval(async () => {
      try {
        setJob(await api.get('/api/patients/transfers/{id}', { params: { path: { id: job.id } } }));
      } catch (e) {
        message.error(errorMessage(e));
        clearInterval(t);
      }
    }, 700);
    return () => clearInterval(t);
  }, [job, message]);
  const start = async (format: 'csv' | 'xlsx') => {
    try {
      setJob(await api.post('/api/patients/exports', { body: { format, filter: cleanFilter(filter) } }));
    } catch (e) {
      message.error(errorMessage(e));
    }
  };
  return (
    <>
      <Dropdown
        menu={{
          items: [
            { key: 'xlsx', label: '匯出 Excel（XLSX）' },
            { key: 'csv', label: '匯出 CSV' },
          ],
          onClick: ({ key }) => void start(key as 'csv' | 'xlsx'),
        }}
      >
        <Button icon={<DownloadOutlined />}>匯出</Button>
      </Dropdown>
      <Modal
        open={!!job}
        title="匯出目前篩選的病患"
        onCancel={() => setJob(null)}
        footer={
          job?.status === 'done' ? (
            <Button
              type="primary"
              href={`/api/patients/exports/${job.id}/download`}
              download
              onClick={() => setTimeout(() => setJob(null), 500)}
            >
              下載 {job.filename}
            </Button>
          ) : null
        }
      >
        <Progress
          percent={Math.round((job?.progress ?? 0) * 100)}
          status={job?.status === 'done' ? 'success' : 'active'}
        />
        <Text type="secondary">
          {job?.status === 'done'
            ? `完成，共 ${job.total.toLocaleString()} 位病患。下載會記錄在稽核紀錄；檔案保留 24 小時。`
            : `處理中… ${job?.processed.toLocaleString() ?? 0} / ${job?.total ? job.total.toLocaleString() : '計算中'}`}
        </Text>
      </Modal>
    </>
  );
}

function TagSelected({ ids, onDone }: { ids: string[]; onDone: () => void }) {
  const [open, setOpen] = useState(false);
  const [tagIds, setTagIds] = useState<string[]>([]);
  const [newName, setNewName] = useState('');
  const tags = useTags();
  const qc = useQueryClient();
  const { message } = App.useApp();
  const apply = useMutation({
    mutationFn: async () => {
      const all = [...tagIds];
      if (newName.trim()) all.push((await api.post('/api/tags', { body: { name: newName.trim() } })).id);
      await api.post('/api/patients/tags', { body: { patientIds: ids, tagIds: all } });
    },
    onSuccess: () => {
      message.success('已加上標籤');
      setOpen(false);
      setTagIds([]);
      setNewName('');
      void qc.invalidateQueries({ queryKey: ['patients'] });
      void qc.invalidateQueries({ queryKey: ['tags'] });
      onDone();
    },
    onError: (e) => message.error(errorMessage(e)),
  });
  return (
    <>
      <Button icon={<TagsOutlined />} disabled={!ids.length} onClick={() => setOpen(true)}>
        加標籤{ids.length ? `（${ids.length}）` : ''}
      </Button>
      <Modal
        open={open}
        title={`為 ${ids.length} 位病患加上標籤`}
        onCancel={() => setOpen(false)}
        onOk={() => apply.mutate()}
        okText="加上標籤"
        confirmLoading={apply.isPending}
        okButtonProps={{ disabled: !tagIds.length && !newName.trim() }}
      >
        <Space orientation="vertical" style={{ width: '100%' }}>
          <Select
            mode="multiple"
            style={{ width: '100%' }}
            placeholder="選擇既有標籤"
            value={tagIds}
            onChange={setTagIds}
            aria-label="選擇標籤"
            options={(tags.data?.items ?? [])
              .filter((t) => t.kind === 'manual')
              .map((t) => ({ value: t.id, label: t.name }))}
          />
          <Input
            placeholder="或輸入新標籤名稱"
            value={newName}
            onChange={(e) => setNewName(e.target.value)}
            maxLength={30}
            aria-label="新標籤名稱"
          />
        </Space>
      </Modal>
    </>
  );
}

function FriendsTab() {
  const [q, setQ] = useState('');
  const dq = useDebounced(q);
  const friends = useQuery({
    queryKey: ['line-friends', dq],
    queryFn: () => api.get('/api/patients/line-friends', { params: { query: { q: dq } } }),
  });
  return (
    <Card>
      <Input
        allowClear
        prefix={<SearchOutlined />}
        placeholder="LINE 顯示名稱"
        value={q}
        onChange={(e) => setQ(e.target.value)}
        style={{ maxWidth: 320, marginBottom: 12 }}
      />
      <Table
        rowKey="lineUserId"
        loading={friends.isLoading}
        dataSource={friends.data?.items ?? []}
        pagination={false}
        columns={[
          { title: 'LINE 顯示名稱', dataIndex: 'displayName' },
          {
            title: '狀態',
            dataIndex: 'state',
            render: (s: string) => (s === 'blocked' ? <Tag color="red">已封鎖</Tag> : <Tag>未綁定病患</Tag>),
          },
          { title: '加入好友', dataIndex: 'followedAt', render: formatDateTime },
          { title: '最近互動', dataIndex: 'lastEventAt', render: (v: string) => fromNow(v) },
        ]}
      />
    </Card>
  );
}

export function PatientsPage() {
  const user = useUser();
  const canWrite = user.role === 'admin' || user.role === 'front_desk';
  const navigate = useNavigate();
  const [params, setParams] = useSearchParams();
  const [q, setQ] = useState(params.get('q') ?? '');
  const dq = useDebounced(q.trim(), 250);
  const [filter, setFilter] = useState<PatientFilter>({});
  const [sort, setSort] = useState<Sort>({ sort: 'name', order: 'asc' });
  const [page, setPage] = useState({ page: 1, pageSize: 50 });
  const [selected, setSelected] = useState<string[]>([]);
  const [adding, setAdding] = useState(false);
  const tags = useTags();
  const full: PatientFilter = cleanFilter({ ...filter, q: dq || undefined });
  useEffect(() => {
    setPage((p) => ({ ...p, page: 1 }));
    setParams(dq ? { q: dq } : {}, { replace: true });
  }, [dq, filter, setParams]);
  const list = useQuery({
    queryKey: ['patients', full, sort, page],
    queryFn: () => api.get('/api/patients', { params: { query: { ...filterQuery(full), ...sort, ...page } } }),
    placeholderData: keepPreviousData,
  });

  const sortOrder = (key: Sort['sort']) =>
    sort.sort === key ? (sort.order === 'desc' ? ('descend' as const) : ('ascend' as const)) : null;
  const columns: TableProps<PatientItem>['columns'] = [
    {
      title: '姓名',
      dataIndex: 'name',
      key: 'name',
      sorter: true,
      sortOrder: sortOrder('name'),
      showSorterTooltip: { title: '依姓名筆畫排序' },
      render: (v: string, r) => (
        <Space size={6}>
          <Link to={`/patients/${r.id}`}>{v}</Link>
          {r.source !== 'his' ? <Tag>{SOURCE_LABEL[r.source]}</Tag> : null}
        </Space>
      ),
    },
    {
      title: '病歷號',
      dataIndex: 'chartNo',
      key: 'chartNo',
      sorter: true,
      sortOrder: sortOrder('chartNo'),
      render: (v) => v ?? '—',
    },
    {
      title: '電話',
      dataIndex: 'phoneMasked',
      render: (v: string | null, r) => <PhoneReveal compact patientId={r.id} masked={v} />,
    },
    {
      title: 'LINE',
      dataIndex: 'line',
      render: (l: PatientItem['line']) => (
        <Space size={4}>
          <Tag color={LINE_COLORS[l.code]}>{l.label}</Tag>
          {l.friends[0]?.displayName ? <Text type="secondary">{l.friends[0].displayName}</Text> : null}
        </Space>
      ),
    },
    {
      title: '上次就診',
      dataIndex: 'lastVisitAt',
      key: 'lastVisit',
      sorter: true,
      sortOrder: sortOrder('lastVisit'),
      render: formatDate,
    },
    {
      title: '下次預約',
      dataIndex: 'nextVisitAt',
      key: 'nextVisit',
      sorter: true,
      sortOrder: sortOrder('nextVisit'),
      render: formatDateTime,
    },
    { title: '標籤', dataIndex: 'tags', render: (t: PatientItem['tags']) => <TagChips tags={t} /> },
  ];

  return (
    <>
      <PageHeader
        title="病患"
        subtitle="LINE 好友與診所病患的整合名單。可用姓名（兩個字即可）、電話末幾碼、病歷號、身分證字號或生日搜尋。"
        extra={
          canWrite ? (
            <>
              <Button icon={<UploadOutlined />} onClick={() => navigate('/patients/import')}>
                匯入
              </Button>
              <Button icon={<MergeCellsOutlined />} onClick={() => navigate('/patients/merge')}>
                整併重複
              </Button>
              <Button type="primary" icon={<PlusOutlined />} onClick={() => setAdding(true)}>
                新增病患
              </Button>
            </>
          ) : null
        }
        help={<HelpDrawer topic="patients" />}
      />
      <Tabs
        items={[
          {
            key: 'patients',
            label: '病患名單',
            children: (
              <Card>
                <Flex gap={8} wrap style={{ marginBottom: 12 }}>
                  <Input
                    autoFocus
                    allowClear
                    size="large"
                    prefix={<SearchOutlined />}
                    placeholder="搜尋姓名、電話、病歷號、身分證字號、生日"
                    value={q}
                    onChange={(e) => setQ(e.target.value)}
                    style={{ flex: '1 1 360px', maxWidth: 520 }}
                    aria-label="搜尋病患"
                  />
                  <Select
                    mode="multiple"
                    allowClear
                    placeholder="LINE 狀態"
                    style={{ minWidth: 160 }}
                    options={LINE_OPTIONS}
                    value={filter.lineStatus ?? []}
                    onChange={(v) => setFilter((f) => ({ ...f, lineStatus: v }))}
                    aria-label="LINE 狀態"
                  />
                  <Select
                    mode="multiple"
                    allowClear
                    placeholder="標籤"
                    style={{ minWidth: 180 }}
                    value={filter.tagIds ?? []}
                    onChange={(v) => setFilter((f) => ({ ...f, tagIds: v }))}
                    aria-label="標籤篩選"
                    options={(tags.data?.items ?? []).map((t) => ({ value: t.id, label: `${t.name}（${t.count}）` }))}
                  />
                  <InputNumber
                    placeholder="超過幾天未就診"
                    min={0}
                    style={{ width: 150 }}
                    value={filter.lastVisitDaysAgo}
                    onChange={(v) => setFilter((f) => ({ ...f, lastVisitDaysAgo: v ?? undefined }))}
                    aria-label="超過幾天未就診"
                  />
                  <Select
                    allowClear
                    placeholder="下次預約"
                    style={{ width: 130 }}
                    value={filter.hasNextVisit === undefined ? undefined : String(filter.hasNextVisit)}
                    onChange={(v) =>
                      setFilter((f) => ({ ...f, hasNextVisit: v === undefined ? undefined : v === 'true' }))
                    }
                    options={[
                      { value: 'true', label: '有下次預約' },
                      { value: 'false', label: '沒有預約' },
                    ]}
                    aria-label="下次預約"
                  />
                  <div style={{ flex: 1 }} />
                  {canWrite ? <TagSelected ids={selected} onDone={() => setSelected([])} /> : null}
                  {canWrite ? <ExportButton filter={full} /> : null}
                </Flex>
                <Table<PatientItem>
                  rowKey="id"
                  size="middle"
                  columns={columns}
                  dataSource={list.data?.items ?? []}
                  loading={list.isFetching}
                  rowSelection={
                    canWrite ? { selectedRowKeys: selected, onChange: (k) => setSelected(k as string[]) } : undefined
                  }
                  onRow={(r) => ({ onDoubleClick: () => navigate(`/patients/${r.id}`) })}
                  onChange={(p, _f, s) => {
                    const so = Array.isArray(s) ? s[0] : s;
                    setSort(
                      so?.order
                        ? { sort: so.columnKey as Sort['sort'], order: so.order === 'descend' ? 'desc' : 'asc' }
                        : { sort: 'name', order: 'asc' },
                    );
                    setPage({ page: p.current ?? 1, pageSize: p.pageSize ?? 50 });
                  }}
                  pagination={{
                    current: page.page,
                    pageSize: page.pageSize,
                    total: list.data?.total ?? 0,
                    showSizeChanger: true,
                    pageSizeOptions: [20, 50, 100],
                    showTotal: (t) => `共 ${t.toLocaleString()}${list.data?.totalCapped ? '+' : ''} 位`,
                  }}
                  locale={{
                    emptyText: dq ? `找不到符合「${dq}」的病患` : 'HIS 同步病患或在後台新增後，名單會出現在這裡',
                  }}
                />
              </Card>
            ),
          },
          { key: 'friends', label: '未綁定的 LINE 好友', children: <FriendsTab /> },
        ]}
      />
      <PatientFormDrawer
        open={adding}
        patient={null}
        onClose={(id) => {
          setAdding(false);
          if (id) navigate(`/patients/${id}`);
        }}
      />
    </>
  );
}
