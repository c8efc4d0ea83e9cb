// Shows a link or key that the server returns only once, with a copy button.
import { CheckOutlined, CopyOutlined } from '@ant-design/icons';
import { Alert, Button, Input, Space, Tooltip, message } from 'antd';
import { useState, type ReactNode } from 'react';

export function OneTimeSecret({
  value,
  label,
  notice,
  type = 'info',
}: {
  value: string;
  label: string;
  notice: ReactNode;
  type?: 'info' | 'warning';
}) {
  const [copied, setCopied] = useState(false);
  const [msg, holder] = message.useMessage();
  async function copy() {
    try {
      await navigator.clipboard.writeText(value);
    } catch {
      // Clipboard API is unavailable on plain http; fall back to selecting the text.
      const el = document.getElementById('one-time-secret') as HTMLInputElement | null;
      el?.select();
      document.execCommand('copy');
    }
    setCopied(true);
    void msg.success('已複製');
  }
  return (
    <Space orientation="vertical" size={12} style={{ width: '100%' }}>
      {holder}
      <Alert type={type} showIcon title={notice} />
      <Space.Compact style={{ width: '100%' }}>
        <Input
          id="one-time-secret"
          aria-label={label}
          value={value}
          readOnly
          onFocus={(e) => e.target.select()}
          style={{ fontFamily: 'ui-monospace, SFMono-Regular, Menlo, monospace' }}
        />
        <Tooltip title={copied ? '已複製' : '複製'}>
          <Button type="primary" icon={copied ? <CheckOutlined /> : <CopyOutlined />} onClick={copy}>
            {copied ? '已複製' : '複製'}
          </Button>
        </Tooltip>
      </Space.Compact>
    </Space>
  );
}
