// A page whose feature is not built yet: what it will do, and an empty state.
import { Card, Empty, Typography } from 'antd';
import type { ReactNode } from 'react';
import { HelpDrawer } from './HelpDrawer.tsx';
import { PageHeader } from './PageHeader.tsx';

export type FeatureInfo = { title: string; description: string; points: string[]; emptyText: ReactNode };

export function FeaturePlaceholder({ info }: { info: FeatureInfo }) {
  const body = (
    <>
      <Typography.Paragraph>{info.description}</Typography.Paragraph>
      <ul style={{ paddingInlineStart: 20 }}>
        {info.points.map((p) => (
          <li key={p} style={{ marginBottom: 4 }}>
            {p}
          </li>
        ))}
      </ul>
    </>
  );
  return (
    <>
      <PageHeader title={info.title} subtitle={info.description} help={<HelpDrawer title={info.title} body={body} />} />
      <Card>
        <Empty
          image={Empty.PRESENTED_IMAGE_SIMPLE}
          style={{ padding: '48px 0' }}
          description={
            <div style={{ maxWidth: 520, margin: '0 auto' }}>
              <Typography.Text strong style={{ display: 'block', marginBottom: 8, fontSize: 15 }}>
                {info.emptyText}
              </Typography.Text>
              <Typography.Text type="secondary">這項功能即將推出，推出後將包含：</Typography.Text>
              <ul style={{ textAlign: 'left', display: 'inline-block', margin: '8px 0 0', color: 'rgba(0,0,0,0.65)' }}>
                {info.points.map((p) => (
                  <li key={p}>{p}</li>
                ))}
              </ul>
            </div>
          }
        />
      </Card>
    </>
  );
}
