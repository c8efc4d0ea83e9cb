import { BookOutlined } from '@ant-design/icons';
import { Card, Col, Flex, Menu, Row, Tag, Typography } from 'antd';
import { useSearchParams } from 'react-router';
import { PageHeader } from '../components/PageHeader.tsx';
import { HELP_ARTICLES, HELP_ORDER, type HelpTopic } from '../help/articles.tsx';
import { isAdmin, useUser } from '../session.tsx';

export function HelpPage() {
  const user = useUser();
  const [params, setParams] = useSearchParams();
  const topics = user.role === 'platform_operator' ? (['platform', 'login'] as HelpTopic[]) : HELP_ORDER;
  const requested = params.get('topic') as HelpTopic | null;
  const current: HelpTopic = requested && topics.includes(requested) ? requested : topics[0];
  const article = HELP_ARTICLES[current];

  return (
    <>
      <PageHeader
        title="說明中心"
        subtitle="Careline 後台各項功能的使用說明。每一頁右上角的「？」按鈕也能隨時打開該頁的說明。"
      />
      <Row gutter={16}>
        <Col xs={24} md={8} lg={7}>
          <Card styles={{ body: { padding: 8 } }}>
            <Menu
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
          <Card>
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
