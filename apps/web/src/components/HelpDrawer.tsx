// A "?" button for a page header that opens a drawer with that page's help text.
// Reusable by every later page: <HelpDrawer topic="staff" /> or <HelpDrawer title body />.
import { BookOutlined, QuestionCircleOutlined } from '@ant-design/icons';
import { Button, Drawer, Tooltip, Typography } from 'antd';
import { useState, type ReactNode } from 'react';
import { Link } from 'react-router';
import { HELP_ARTICLES, type HelpTopic } from '../help/articles.tsx';
import { manualHref, manualLinkOf } from '../help/manual.tsx';

type Props =
  { topic: HelpTopic; title?: undefined; body?: undefined } | { topic?: undefined; title: string; body: ReactNode };

export function HelpDrawer(props: Props) {
  const [open, setOpen] = useState(false);
  const article = props.topic ? HELP_ARTICLES[props.topic] : { title: props.title, body: props.body };
  // The page's section of the operator manual (steps with screenshots), one click away.
  const manual = props.topic ? manualLinkOf(props.topic) : null;
  return (
    <>
      <Tooltip title="這一頁的說明">
        <Button shape="circle" icon={<QuestionCircleOutlined />} aria-label="說明" onClick={() => setOpen(true)} />
      </Tooltip>
      <Drawer
        title={article.title}
        open={open}
        onClose={() => setOpen(false)}
        size={440}
        footer={
          <Typography.Text type="secondary">
            更多說明請見{' '}
            <Link to="/help" onClick={() => setOpen(false)}>
              說明中心
            </Link>
          </Typography.Text>
        }
      >
        {manual ? (
          <Link
            to={manualHref(manual.chapter.slug, manual.section.id)}
            onClick={() => setOpen(false)}
            aria-label="在操作手冊中閱讀"
            style={{
              display: 'flex',
              alignItems: 'center',
              gap: 10,
              padding: '10px 12px',
              marginBottom: 16,
              borderRadius: 8,
              background: '#f3fbf6',
              border: '1px solid #b7ebc8',
              color: 'inherit',
            }}
          >
            <BookOutlined style={{ fontSize: 18, color: '#06c755' }} />
            <span>
              <Typography.Text strong>在操作手冊中閱讀（附畫面）</Typography.Text>
              <br />
              <Typography.Text type="secondary" style={{ fontSize: 13 }}>
                第 {manual.chapter.number} 章 {manual.chapter.title} › {manual.section.title}
              </Typography.Text>
            </span>
          </Link>
        ) : null}
        <div style={{ lineHeight: 1.8 }}>{article.body}</div>
      </Drawer>
    </>
  );
}
