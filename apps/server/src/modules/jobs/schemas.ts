import { Type } from 'typebox';

export const JobStatus = Type.Union([
  Type.Literal('pending'),
  Type.Literal('running'),
  Type.Literal('done'),
  Type.Literal('dead'),
]);

export const JobsQuery = Type.Object(
  {
    status: Type.Optional(JobStatus),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 50 })),
  },
  { additionalProperties: false },
);

export const Job = Type.Object({
  id: Type.Integer(),
  type: Type.String({ examples: ['line.push'] }),
  typeLabel: Type.String({ examples: ['LINE 推播'] }),
  status: Type.Union(JobStatus.anyOf, {
    description: 'pending 等待中、running 執行中、done 完成、dead 已放棄（需人工處理）',
  }),
  statusLabel: Type.String({ examples: ['等待中'] }),
  attempts: Type.Integer(),
  maxAttempts: Type.Integer(),
  runAt: Type.String(),
  lastError: Type.Union([Type.String(), Type.Null()]),
  createdAt: Type.String(),
  finishedAt: Type.Union([Type.String(), Type.Null()]),
});

export const JobsPage = Type.Object({
  items: Type.Array(Job),
  counts: Type.Record(Type.String(), Type.Integer()),
  statuses: Type.Array(
    Type.Object({ status: JobStatus, label: Type.String({ examples: ['已放棄'] }), count: Type.Integer() }),
    { description: '每一種狀態、中文名稱與此診所的工作數（含 0）' },
  ),
});

export const JobParams = Type.Object({ id: Type.Integer({ minimum: 1 }) });
