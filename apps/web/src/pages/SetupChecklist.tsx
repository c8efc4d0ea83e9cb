// 開始使用 on the home page (admins): the first-use steps of a new clinic with their progress.
// Each step is checked by the server from the clinic's settings (GET /api/home/setup), links to
// the page where it is taken, and says what is missing. Gone once every step is done.
import { CheckCircleFilled, RightOutlined } from '@ant-design/icons';
import { useQuery } from '@tanstack/react-query';
import { Card, Flex, List, Progress, Tag, Typography } from 'antd';
import { Link } from 'react-router';
import { api } from '../api.ts';

const { Text } = Typography;

export function SetupChecklist() {
  // Steps are taken on other pages: coming back to the home page asks again.
  const setup = useQuery({ queryKey: ['home', 'setup'], queryFn: () => api.get('/api/home/setup'), staleTime: 0 });
  const s = setup.data;
  if (!s || s.done === s.total) return null;
  const next = s.steps.find((x) => !x.done);
  return (
    <Card
      aria-label="開始使用"
      style={{ marginBottom: 16, borderColor: '#b7eb8f' }}
      title={
        <Flex align="center" gap={12}>
          <span>開始使用 Careline</span>
          <Text type="secondary" style={{ fontWeight: 'normal', fontSize: 13 }}>
            完成以下設定後，提醒與 LINE 服務就會正式開始
          </Text>
        </Flex>
      }
      extra={
        <Flex align="center" gap={10} style={{ minWidth: 220 }}>
          <Progress
            percent={Math.round((s.done / s.total) * 100)}
            showInfo={false}
            strokeColor="#06c755"
            style={{ width: 140, margin: 0 }}
            aria-label="設定進度"
          />
          <Text strong>
            {s.done} / {s.total} 已完成
          </Text>
        </Flex>
      }
      styles={{ body: { padding: '4px 24px 8px' } }}
    >
      <List
        dataSource={s.steps}
        renderItem={(step, i) => (
          <List.Item
            key={step.key}
            aria-label={`${step.label}：${step.done ? '已完成' : '未完成'}`}
            actions={[
              <Link key="go" to={step.link}>
                {step.done ? '查看' : '前往設定'} <RightOutlined style={{ fontSize: 11 }} />
              </Link>,
            ]}
          >
            <List.Item.Meta
              avatar={
                step.done ? (
                  <CheckCircleFilled style={{ color: '#06c755', fontSize: 22 }} aria-hidden />
                ) : (
                  <span
                    aria-hidden
                    style={{
                      display: 'inline-flex',
                      width: 22,
                      height: 22,
                      borderRadius: 11,
                      border: '2px solid #d9d9d9',
                      alignItems: 'center',
                      justifyContent: 'center',
                      fontSize: 12,
                      color: 'rgba(0,0,0,0.45)',
                    }}
                  >
                    {i + 1}
                  </span>
                )
              }
              title={
                <Flex gap={8} align="center">
                  <Text delete={step.done} type={step.done ? 'secondary' : undefined} strong={!step.done}>
                    {step.label}
                  </Text>
                  {step === next ? <Tag color="green">下一步</Tag> : null}
                </Flex>
              }
              description={step.detail}
            />
          </List.Item>
        )}
      />
    </Card>
  );
}
