// The 滿意度 › Google 評論 page: the clinic's Google Business Profile (an admin connects it by
// OAuth and picks the location), the rating and its monthly trend, the reviews with 「新」 for
// those seen in the last 7 days, and replies written here that appear on Google. A revoked
// grant shows a clear state asking an admin to connect again.
import { GoogleOutlined, ReloadOutlined, StarFilled } from '@ant-design/icons';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import {
  Alert,
  App as AntApp,
  Button,
  Card,
  Col,
  Empty,
  Flex,
  Input,
  List,
  Popconfirm,
  Rate,
  Result,
  Row,
  Segmented,
  Select,
  Skeleton,
  Space,
  Statistic,
  Tag,
  Typography,
} from 'antd';
import { useEffect, useMemo, useState } from 'react';
import { useSearchParams } from 'react-router';
import { api, errorMessage, type ApiResponse } from '../../api.ts';
import { Chart, type ChartOption } from '../../components/Chart.tsx';
import { HelpDrawer } from '../../components/HelpDrawer.tsx';
import { PageHeader } from '../../components/PageHeader.tsx';
import { formatDateTime, fromNow } from '../../format.ts';
import { hasRole, useUser } from '../../session.tsx';

const { Text, Paragraph } = Typography;
type Reviews = ApiResponse<'/api/google/reviews'>;
type Review = Reviews['items'][number];
const KEY = ['google-reviews'] as const;

const RETURN_MESSAGES: Record<string, { type: 'success' | 'info' | 'warning' | 'error'; text: string }> = {
  connected: { type: 'success', text: '已連結 Google 商家檔案，評論同步完成。' },
  choose_location: { type: 'info', text: '已取得授權，請選擇這家診所的商家地點。' },
  denied: { type: 'warning', text: '您在 Google 授權頁按了「取消」，沒有連結。' },
  expired: { type: 'warning', text: '授權頁停留太久已失效，請再按一次「連結 Google 商家檔案」。' },
  invalid_state: { type: 'error', text: '授權回應無法驗證，請再按一次「連結 Google 商家檔案」。' },
  failed: { type: 'error', text: '無法向 Google 取得授權，請稍後再試。' },
};

export function trendChart(trend: Reviews['trend']): ChartOption {
  return {
    tooltip: { trigger: 'axis' },
    legend: { top: 0 },
    grid: { left: 40, right: 48, top: 36, bottom: 28 },
    xAxis: { type: 'category', data: trend.map((t) => `${Number(t.month.slice(0, 4))}/${Number(t.month.slice(5))}`) },
    yAxis: [
      { type: 'value', name: '星等', min: 1, max: 5 },
      { type: 'value', name: '則數', minInterval: 1 },
    ],
    series: [
      { name: '當月平均', type: 'line', data: trend.map((t) => t.average), itemStyle: { color: '#f59f00' } },
      {
        name: '累計平均',
        type: 'line',
        data: trend.map((t) => t.cumulativeAverage),
        lineStyle: { type: 'dashed' },
        itemStyle: { color: '#868e96' },
      },
      {
        name: '新評論數',
        type: 'bar',
        yAxisIndex: 1,
        data: trend.map((t) => t.count),
        itemStyle: { color: '#d0ebff' },
        barMaxWidth: 24,
      },
    ],
  };
}

export function ReviewsPage() {
  const user = useUser();
  const isAdmin = user.role === 'admin';
  const canReply = hasRole(user, ['admin', 'front_desk']);
  const { message } = AntApp.useApp();
  const qc = useQueryClient();
  const [params, setParams] = useSearchParams();
  const [filter, setFilter] = useState<'all' | 'unreplied'>('all');
  const back = params.get('google');
  const data = useQuery({
    queryKey: [...KEY, filter],
    queryFn: () =>
      api.get('/api/google/reviews', { params: { query: filter === 'unreplied' ? { unreplied: true } : {} } }),
  });
  const refresh = () => void qc.invalidateQueries({ queryKey: KEY });

  const connect = useMutation({
    mutationFn: () => api.post('/api/google/connect'),
    onSuccess: (r) => {
      window.location.href = r.url;
    },
    onError: (e) => message.error(errorMessage(e)),
  });
  const sync = useMutation({
    mutationFn: () => api.post('/api/google/sync'),
    onSuccess: (r) => {
      message.success(r.added ? `同步完成，新增 ${r.added} 則評論` : '同步完成，沒有新評論');
      refresh();
    },
    onError: (e) => {
      message.error(errorMessage(e));
      refresh();
    },
  });
  const disconnect = useMutation({
    mutationFn: () => api.delete('/api/google/connection'),
    onSuccess: () => {
      message.success('已中斷連結並撤銷 Google 授權');
      refresh();
    },
    onError: (e) => message.error(errorMessage(e)),
  });

  const st = data.data?.connection;
  const connectButton = (label: string) =>
    isAdmin ? (
      <Button type="primary" icon={<GoogleOutlined />} loading={connect.isPending} onClick={() => connect.mutate()}>
        {label}
      </Button>
    ) : (
      <Text type="secondary">請管理者連結。</Text>
    );

  return (
    <>
      <PageHeader
        title="Google 評論"
        subtitle="連結診所的 Google 商家檔案：看星等趨勢與新評論，直接在這裡回覆（回覆會公開顯示在 Google 上）。"
        extra={
          st?.status === 'connected' ? (
            <Space>
              {canReply ? (
                <Button icon={<ReloadOutlined />} loading={sync.isPending} onClick={() => sync.mutate()}>
                  立即同步
                </Button>
              ) : null}
              {isAdmin ? (
                <Popconfirm
                  title="中斷與 Google 商家檔案的連結？"
                  description="會撤銷 Careline 的授權；已同步的評論仍保留。"
                  onConfirm={() => disconnect.mutate()}
                >
                  <Button>中斷連結</Button>
                </Popconfirm>
              ) : null}
            </Space>
          ) : null
        }
        help={<HelpDrawer topic="googleReviews" />}
      />
      {back && RETURN_MESSAGES[back] ? (
        <Alert
          style={{ marginBottom: 16 }}
          showIcon
          closable
          type={RETURN_MESSAGES[back].type}
          message={RETURN_MESSAGES[back].text}
          onClose={() => setParams({}, { replace: true })}
        />
      ) : null}
      {data.error ? <Alert type="error" showIcon message={errorMessage(data.error)} /> : null}
      {data.isLoading || !st ? (
        <Skeleton active />
      ) : st.status === 'not_connected' ? (
        <Card>
          <Result
            icon={<GoogleOutlined style={{ color: '#4285f4' }} />}
            title="尚未連結 Google 商家檔案"
            subTitle="連結後，這裡會顯示診所在 Google 上的星等、每月趨勢與新評論，並可直接回覆。需要能管理診所商家檔案的 Google 帳戶。"
            extra={connectButton('連結 Google 商家檔案')}
          />
        </Card>
      ) : st.status === 'revoked' ? (
        <Space direction="vertical" size={16} style={{ width: '100%' }}>
          <Alert
            type="error"
            showIcon
            message="Google 授權已失效，請重新連結"
            description={
              <>
                Careline 已無法讀取評論或回覆（可能已在 Google 帳戶的「第三方存取權」中移除，或密碼變更）。
                {isAdmin ? '請按「重新連結」再授權一次。' : '請管理者重新連結。'}下方是先前同步的評論。
              </>
            }
            action={isAdmin ? connectButton('重新連結') : undefined}
          />
          <ReviewsBody data={data.data!} canReply={false} filter={filter} setFilter={setFilter} />
        </Space>
      ) : st.status === 'needs_location' ? (
        <ChooseLocation isAdmin={isAdmin} onDone={refresh} />
      ) : (
        <ReviewsBody data={data.data!} canReply={canReply} filter={filter} setFilter={setFilter} />
      )}
    </>
  );
}

function ChooseLocation({ isAdmin, onDone }: { isAdmin: boolean; onDone: () => void }) {
  const { message } = AntApp.useApp();
  const [picked, setPicked] = useState<string>();
  const locs = useQuery({
    queryKey: [...KEY, 'locations'],
    queryFn: () => api.get('/api/google/locations'),
    enabled: isAdmin,
  });
  const choose = useMutation({
    mutationFn: () => api.put('/api/google/location', { body: { location: picked! } }),
    onSuccess: () => {
      message.success('已選擇商家地點，評論同步完成');
      onDone();
    },
    onError: (e) => message.error(errorMessage(e)),
  });
  if (!isAdmin) return <Alert type="info" showIcon message="已取得 Google 授權，等待管理者選擇商家地點。" />;
  return (
    <Card title="選擇這家診所的商家地點">
      {locs.error ? <Alert type="error" showIcon message={errorMessage(locs.error)} /> : null}
      <Space>
        <Select
          style={{ width: 420 }}
          loading={locs.isLoading}
          placeholder="選擇商家地點"
          value={picked}
          onChange={setPicked}
          options={(locs.data?.items ?? []).map((l) => ({ value: l.name, label: `${l.title}（${l.accountName}）` }))}
        />
        <Button type="primary" disabled={!picked} loading={choose.isPending} onClick={() => choose.mutate()}>
          確定
        </Button>
      </Space>
    </Card>
  );
}

function ReviewsBody({
  data,
  canReply,
  filter,
  setFilter,
}: {
  data: Reviews;
  canReply: boolean;
  filter: 'all' | 'unreplied';
  setFilter: (f: 'all' | 'unreplied') => void;
}) {
  const st = data.connection;
  const option = useMemo(() => trendChart(data.trend), [data.trend]);
  const fresh = data.items.filter((r) => r.isNew).length;
  return (
    <Space direction="vertical" size={16} style={{ width: '100%' }}>
      <Row gutter={16}>
        <Col xs={24} lg={8}>
          <Card style={{ height: '100%' }}>
            <Text type="secondary">{st.locationTitle ?? '商家地點'}</Text>
            <Flex align="baseline" gap={12} style={{ marginTop: 8 }}>
              <span style={{ fontSize: 40, fontWeight: 600 }}>{st.averageRating?.toFixed(1) ?? '—'}</span>
              <Rate disabled allowHalf value={Math.round((st.averageRating ?? 0) * 2) / 2} />
            </Flex>
            <Paragraph type="secondary" style={{ margin: '4px 0 12px' }}>
              共 {st.totalReviewCount ?? 0} 則評論・最近同步 {st.lastSyncAt ? fromNow(st.lastSyncAt) : '—'}
            </Paragraph>
            {st.lastError ? (
              <Alert type="warning" showIcon message={st.lastError} style={{ marginBottom: 12 }} />
            ) : null}
            <Row gutter={8}>
              <Col span={12}>
                <Statistic title="7 天內新評論" value={fresh} />
              </Col>
              <Col span={12}>
                <Statistic title="未回覆" value={data.items.filter((r) => !r.reply).length} />
              </Col>
            </Row>
            {st.reviewLink ? (
              <Paragraph
                copyable={{ text: st.reviewLink, tooltips: ['複製評論連結', '已複製'] }}
                style={{ marginTop: 12 }}
              >
                <Text type="secondary">病患留評論的連結</Text>
              </Paragraph>
            ) : null}
          </Card>
        </Col>
        <Col xs={24} lg={16}>
          <Card title="星等趨勢（每月）" style={{ height: '100%' }}>
            {data.trend.length ? (
              <Chart option={option} height={260} label="每月平均星等與新評論數" />
            ) : (
              <Empty description="還沒有評論" />
            )}
          </Card>
        </Col>
      </Row>
      <Card
        title="評論"
        extra={
          <Segmented
            value={filter}
            onChange={(v) => setFilter(v as 'all' | 'unreplied')}
            options={[
              { value: 'all', label: '全部' },
              { value: 'unreplied', label: '未回覆' },
            ]}
          />
        }
      >
        <List
          dataSource={data.items}
          locale={{ emptyText: filter === 'unreplied' ? '每則評論都回覆了' : '還沒有評論' }}
          renderItem={(r) => <ReviewItem r={r} canReply={canReply} />}
        />
      </Card>
    </Space>
  );
}

function ReviewItem({ r, canReply }: { r: Review; canReply: boolean }) {
  const { message } = AntApp.useApp();
  const qc = useQueryClient();
  const [text, setText] = useState(r.reply ?? '');
  const [editing, setEditing] = useState(false);
  useEffect(() => setText(r.reply ?? ''), [r.reply]);
  const save = useMutation({
    mutationFn: () =>
      api.put('/api/google/reviews/{id}/reply', { params: { path: { id: r.id } }, body: { comment: text } }),
    onSuccess: () => {
      message.success('已回覆，會顯示在 Google 上');
      setEditing(false);
      void qc.invalidateQueries({ queryKey: KEY });
    },
    onError: (e) => {
      message.error(errorMessage(e));
      void qc.invalidateQueries({ queryKey: KEY });
    },
  });
  return (
    <List.Item>
      <Space direction="vertical" style={{ width: '100%' }} size={6}>
        <Flex gap={12} align="center" wrap>
          <Text strong>{r.reviewerName}</Text>
          <span aria-label={`${r.starRating} 顆星`} style={{ color: '#f59f00' }}>
            {Array.from({ length: r.starRating }, (_, i) => (
              <StarFilled key={i} />
            ))}
            <span style={{ color: '#d9d9d9' }}>
              {Array.from({ length: 5 - r.starRating }, (_, i) => (
                <StarFilled key={i} />
              ))}
            </span>
          </span>
          <Text type="secondary">{formatDateTime(r.createTime)}</Text>
          {r.isNew ? <Tag color="red">新</Tag> : null}
          {r.reply ? <Tag color="green">已回覆</Tag> : <Tag>未回覆</Tag>}
        </Flex>
        {r.comment ? (
          <Text style={{ whiteSpace: 'pre-wrap' }}>{r.comment}</Text>
        ) : (
          <Text type="secondary">（只有星等）</Text>
        )}
        {r.reply && !editing ? (
          <div style={{ background: '#f6f8fa', borderRadius: 8, padding: '8px 12px' }}>
            <Text type="secondary" style={{ fontSize: 12 }}>
              診所的回覆・{formatDateTime(r.replyUpdateTime)}
              {r.repliedBy ? `・${r.repliedBy}` : ''}
            </Text>
            <div style={{ whiteSpace: 'pre-wrap' }}>{r.reply}</div>
            {canReply ? (
              <Button size="small" type="link" style={{ padding: 0 }} onClick={() => setEditing(true)}>
                修改回覆
              </Button>
            ) : null}
          </div>
        ) : canReply && !editing ? (
          <Button size="small" onClick={() => setEditing(true)}>
            回覆
          </Button>
        ) : canReply ? (
          <Space direction="vertical" style={{ width: '100%' }}>
            <Input.TextArea
              aria-label={`回覆 ${r.reviewerName} 的評論`}
              placeholder="寫下公開回覆（會顯示在 Google 上，請勿提及病情或個人資料）"
              value={text}
              maxLength={4000}
              autoFocus
              autoSize={{ minRows: 2, maxRows: 6 }}
              onChange={(e) => setText(e.target.value)}
            />
            <Space>
              <Button type="primary" disabled={!text.trim()} loading={save.isPending} onClick={() => save.mutate()}>
                {r.reply ? '更新回覆' : '送出回覆'}
              </Button>
              <Button onClick={() => setEditing(false)}>取消</Button>
            </Space>
          </Space>
        ) : null}
      </Space>
    </List.Item>
  );
}
