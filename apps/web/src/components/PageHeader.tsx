import { Flex, Space, Typography } from 'antd';
import type { ReactNode } from 'react';

/** The title row of every page: title, one line of context, actions and the help button. */
export function PageHeader({
  title,
  subtitle,
  extra,
  help,
}: {
  title: ReactNode;
  subtitle?: ReactNode;
  extra?: ReactNode;
  help?: ReactNode;
}) {
  return (
    <Flex align="flex-start" justify="space-between" gap={16} style={{ marginBottom: 20 }}>
      <div style={{ minWidth: 0 }}>
        <Typography.Title level={3} style={{ margin: 0, fontWeight: 600 }}>
          {title}
        </Typography.Title>
        {subtitle ? (
          <Typography.Paragraph type="secondary" style={{ margin: '6px 0 0', maxWidth: 760 }}>
            {subtitle}
          </Typography.Paragraph>
        ) : null}
      </div>
      <Space size={8} style={{ flexShrink: 0 }}>
        {extra}
        {help}
      </Space>
    </Flex>
  );
}
