import { BookOutlined, SearchOutlined } from '@ant-design/icons';
import { Card, Col, Empty, Flex, Input, List, Menu, Row, Tag, Typography } from 'antd';
import { useMemo, useState } from 'react';
import { useSearchParams } from 'react-router';
import { PageHeader } from '../components/PageHeader.tsx';
import { HELP_ARTICLES, HELP_ORDER, type HelpTopic } from '../help/articles.tsx';
import { searchArticles } from '../help/search.ts';
import { isAdmin, useUser } from '../session.tsx';

export function HelpPage() {
  const user = useUser();
  const [params, setParams] = useSearchParams();
  const topics = user.role === 'platform_operator' ? (['platform', 'login'] as HelpTopic[]) : HELP_ORDER;
  const requested = params.get('topic') as HelpTopic | null;
  const current: HelpTopic = requested && topics.includes(requested) ? requested : topics[0];
  const article = HELP_ARTICLES[current];
  const [query, setQuery] = useState('');
  const hits = useMemo(
    () =>
      searchArticles(
        topics.map((t) => ({ topic: t, ...HELP_ARTICLES[t] })),
        query,
      ),
    [topics, query],
  );

  return (
    <>
      <PageHeader
        title="說明中心"
        subtitle="Careline 後台各項功能的使用說明。每一頁右上角的「？」按鈕也能隨時打開該頁的說明。"
      />
      <Row gutter={16}>
        <Col xs={24} md={8} lg={7}>
          <Card styles={{ body: { padding: 8 } }}>
            <Input
              allowClear
              prefix={<SearchOutlined style={{ color: 'rgba(0,0,0,0.35)' }} />}
              placeholder="搜尋說明，例如：綁定、重新發送"
              aria-label="搜尋說明"
              value={query}
              onChange={(e) => setQuery(e.target.value)}
              style={{ marginBottom: 8 }}
            />
            {query.trim() ? (
              hits.length ? (
                <List
                  aria-label="搜尋結果"
                  dataSource={hits}
                  renderItem={(h) => (
                    <List.Item
                      key={h.topic}
                      onClick={() => setParams({ topic: h.topic })}
                      style={{ cursor: 'pointer', padding: '8px 10px', borderRadius: 6 }}
                      className={h.topic === current ? 'ant-menu-item-selected' : undefined}
                    >
                      <List.Item.Meta
                        title={<Typography.Link>{HELP_ARTICLES[h.topic].title}</Typography.Link>}
                        description={<span style={{ fontSize: 12 }}>{h.snippet}</span>}
                      />
                    </List.Item>
                  )}
                />
              ) : (
                <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={`找不到「${query.trim()}」的說明`} />
              )
            ) : null}
            <Menu
              hidden={!!query.trim()}
              mode="inline"
              selectedKeys={[current]}
              style={{ borderInlineEnd: 'none' }}
              onClick={({ key }) => setParams({ topic: key })}
              items={topics.map((t) => ({
                key: t,
                icon: <BookOutlined />,
                label: HELP_ARTICLES[t].title,
              }))}
            />
          </Card>
        </Col>
        <Col xs={24} md={16} lg={17}>
          <Card aria-label="說明內容">
            <Flex align="center" gap={10} style={{ marginBottom: 4 }}>
              <Typography.Title level={4} style={{ margin: 0 }}>
                {article.title}
              </Typography.Title>
              {'adminOnly' in article && article.adminOnly ? <Tag color="gold">管理者</Tag> : null}
            </Flex>
            <Typography.Paragraph type="secondary">{article.summary}</Typography.Paragraph>
            <div style={{ lineHeight: 1.85, fontSize: 15 }}>{article.body}</div>
            {'adminOnly' in article && article.adminOnly && !isAdmin(user) ? (
              <Typography.Paragraph type="secondary" style={{ marginTop: 16 }}>
                這項功能只開放給管理者，如需協助請聯絡診所的管理者。
              </Typography.Paragraph>
            ) : null}
          </Card>
        </Col>
      </Row>
    </>
  );
}
