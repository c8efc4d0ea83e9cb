// The test console: which answer a sentence gets, with its confidence and the runner-ups, and
// what the patient would see. Nothing is recorded.
import { useMutation } from '@tanstack/react-query';
import { Alert, Card, Input, List, Progress, Space, Typography } from 'antd';
import { useState } from 'react';
import { api, errorMessage, type ApiResponse } from '../../api.ts';
import { AnswerPreview } from './FaqEditDrawer.tsx';

type Result = ApiResponse<'/api/faqs/test', 'post'>;
const { Text } = Typography;

const REASON: Record<Result['reason'], string> = {
  answered: '機器人會回答',
  low_confidence: '信心不足：機器人不回答，訊息交給櫃台並記到機器人訓練',
  ambiguous: '前兩名太接近：機器人不回答，訊息交給櫃台並記到機器人訓練',
  no_match: '沒有相關的問法：機器人不回答，訊息交給櫃台並記到機器人訓練',
};

const pct = (x: number) => Math.round(x * 100);

export function FaqTestConsole({ initial = '' }: { initial?: string }) {
  const [text, setText] = useState(initial);
  const [asked, setAsked] = useState('');
  const test = useMutation({
    mutationFn: (t: string) => api.post('/api/faqs/test', { body: { text: t } }),
  });
  const r = test.data;
  return (
    <Card title="測試：這句話會得到哪個回答？" size="small">
      <Space direction="vertical" style={{ width: '100%' }}>
        <Input.Search
          aria-label="測試句子"
          placeholder="輸入病人可能傳的一句話，例如：拔牙後可以喝熱的嗎"
          enterButton="測試"
          value={text}
          maxLength={5000}
          loading={test.isPending}
          onChange={(e) => setText(e.target.value)}
          onSearch={(v) => {
            if (!v.trim()) return;
            setAsked(v.trim());
            test.mutate(v.trim());
          }}
        />
        {test.isError && <Alert type="error" showIcon message={errorMessage(test.error)} />}
        {r && (
          <>
            <Alert
              type={r.answered ? 'success' : 'warning'}
              showIcon
              message={r.answered && r.best ? `${REASON.answered}：${r.best.title}` : REASON[r.reason]}
              description={`回答門檻：信心 ${pct(r.threshold)}% 以上，且領先第二名 ${pct(r.margin)}% 以上`}
            />
            {r.candidates.length > 0 && (
              <List
                size="small"
                header={<Text strong>候選（信心分數）</Text>}
                dataSource={r.candidates}
                renderItem={(c, i) => (
                  <List.Item>
                    <div style={{ width: '100%' }}>
                      <Space style={{ justifyContent: 'space-between', width: '100%' }}>
                        <Text strong={i === 0}>
                          {i + 1}. {c.title}
                        </Text>
                        <Text type="secondary">BM25 {c.score.toFixed(2)}</Text>
                      </Space>
                      <Progress
                        percent={pct(c.confidence)}
                        size="small"
                        status={r.answered && i === 0 ? 'success' : 'normal'}
                        aria-label={`${c.title} 信心 ${pct(c.confidence)}%`}
                      />
                    </div>
                  </List.Item>
                )}
              />
            )}
            {r.answer && <AnswerPreview question={asked} answer={r.answer} />}
          </>
        )}
      </Space>
    </Card>
  );
}
