// A "?" button for a page header that opens a drawer with that page's help text.
// Reusable by every later page: <HelpDrawer topic="staff" /> or <HelpDrawer title body />.
import { QuestionCircleOutlined } from '@ant-design/icons';
import { Button, Drawer, Tooltip, Typography } from 'antd';
import { useState, type ReactNode } from 'react';
import { Link } from 'react-router';
import { HELP_ARTICLES, type HelpTopic } from '../help/articles.tsx';

type Props =
  { topic: HelpTopic; title?: undefined; body?: undefined } | { topic?: undefined; title: string; body: ReactNode };

export function HelpDrawer(props: Props) {
  const [open, setOpen] = useState(false);
  const article = props.topic ? HELP_ARTICLES[props.topic] : { title: props.title, body: props.body };
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
        <div style={{ lineHeight: 1.8 }}>{article.body}</div>
      </Drawer>
    </>
  );
}
