import { Skeleton } from 'antd';

/** Placeholder rows while a table's first page loads (instead of an empty state under a spinner). */
export function TableLoading({ rows = 5 }: { rows?: number }) {
  return (
    <Skeleton
      active
      title={false}
      paragraph={{ rows, width: '100%' }}
      style={{ padding: '12px 8px', textAlign: 'left' }}
    />
  );
}
