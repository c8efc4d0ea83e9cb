// Pieces of two-factor login shared by the login, the invite page and 帳號安全: the QR code with
// the key to type by hand, and the one-time list of recovery codes.
import { CopyOutlined, DownloadOutlined } from '@ant-design/icons';
import { Alert, Button, Flex, QRCode, Space, Typography, message } from 'antd';

/** The QR code an authenticator app scans, and the same key to type in by hand. */
export function TotpSetup({ secret, otpauthUri }: { secret: string; otpauthUri: string }) {
  // Groups of four are easier to read off and type than 32 characters in a row.
  const grouped = secret.replace(/(.{4})/g, '$1 ').trim();
  return (
    <Flex gap={20} align="center" wrap>
      <QRCode value={otpauthUri} size={168} bordered aria-label="兩步驟驗證 QR code" />
      <div style={{ flex: 1, minWidth: 200 }}>
        <Typography.Paragraph style={{ marginBottom: 8 }}>
          以 Google Authenticator、Microsoft Authenticator 或任何驗證 App 掃描 QR code。無法掃描時，在 App
          選「手動輸入金鑰」，帳號填您的電子郵件，金鑰填：
        </Typography.Paragraph>
        <Typography.Text
          code
          copyable={{ text: secret, tooltips: ['複製金鑰', '已複製'] }}
          aria-label="手動輸入金鑰"
          style={{ fontSize: 15, letterSpacing: 1 }}
        >
          {grouped}
        </Typography.Text>
        <Typography.Paragraph type="secondary" style={{ marginTop: 8, marginBottom: 0, fontSize: 13 }}>
          類型選「時間型」，6 位數字，每 30 秒更新。
        </Typography.Paragraph>
      </div>
    </Flex>
  );
}

/** The new recovery codes, shown once, to copy or download. */
export function RecoveryCodes({ codes }: { codes: string[] }) {
  const [msg, holder] = message.useMessage();
  const text = codes.join('\n');
  async function copy() {
    try {
      await navigator.clipboard.writeText(text);
      void msg.success('已複製 10 組復原碼');
    } catch {
      void msg.warning('無法存取剪貼簿，請改用下載');
    }
  }
  function download() {
    const a = document.createElement('a');
    a.href = URL.createObjectURL(
      new Blob([`Careline 復原碼（每組只能使用一次）\n\n${text}\n`], { type: 'text/plain' }),
    );
    a.download = 'careline-recovery-codes.txt';
    a.click();
    URL.revokeObjectURL(a.href);
  }
  return (
    <Space orientation="vertical" size={12} style={{ width: '100%' }}>
      {holder}
      <Alert
        type="warning"
        showIcon
        title="復原碼只會顯示這一次"
        description="手機遺失或無法使用驗證 App 時，可以用一組復原碼代替驗證碼登入；每組只能使用一次。請印出或存在安全的地方，不要和密碼放在一起。"
      />
      <ol
        aria-label="復原碼"
        style={{
          columns: 2,
          margin: 0,
          padding: '12px 16px 12px 40px',
          background: '#fafafa',
          border: '1px solid #f0f0f0',
          borderRadius: 8,
          fontFamily: 'ui-monospace, SFMono-Regular, Menlo, monospace',
          fontSize: 15,
          lineHeight: 1.9,
        }}
      >
        {codes.map((c) => (
          <li key={c}>{c}</li>
        ))}
      </ol>
      <Space>
        <Button icon={<CopyOutlined />} onClick={copy}>
          複製
        </Button>
        <Button icon={<DownloadOutlined />} onClick={download}>
          下載文字檔
        </Button>
      </Space>
    </Space>
  );
}
