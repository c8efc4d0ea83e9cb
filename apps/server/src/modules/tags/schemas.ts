// Request and response schemas of tags and segments.
import { Type } from 'typebox';
import { FilterFields, LineStatuses, PatientFilterBody } from '../patients/schemas.ts';

/** Conditions of an automatic tag (a subset of the patient filter, all at once). */
export const TagRule = Type.Object(
  {
    visitType: FilterFields.visitType,
    treatmentCode: FilterFields.treatmentCode,
    ageMin: FilterFields.ageMin,
    ageMax: FilterFields.ageMax,
    lastVisitDaysAgo: FilterFields.lastVisitDaysAgo,
    lastVisitBefore: FilterFields.lastVisitBefore,
    noShowMin: FilterFields.noShowMin,
    gender: FilterFields.gender,
    lineStatus: Type.Optional(LineStatuses),
  },
  { additionalProperties: false, description: '自動標籤規則（條件同時成立）' },
);

export const Tag = Type.Object({
  id: Type.String(),
  name: Type.String(),
  color: Type.String(),
  kind: Type.String({ description: 'manual 手動、auto 自動' }),
  rule: Type.Union([TagRule, Type.Null()]),
  recomputedAt: Type.Union([Type.String(), Type.Null()]),
  count: Type.Integer(),
});

export const TagBody = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 30 }),
    color: Type.Optional(Type.String({ maxLength: 20 })),
    rule: Type.Optional(Type.Union([TagRule, Type.Null()])),
  },
  { additionalProperties: false },
);

export const AssignBody = Type.Object(
  {
    patientIds: Type.Array(Type.String({ maxLength: 64 }), { minItems: 1, maxItems: 500 }),
    tagIds: Type.Array(Type.String({ maxLength: 64 }), { minItems: 1, maxItems: 50 }),
    remove: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);

export const Segment = Type.Object({
  id: Type.String(),
  name: Type.String(),
  conditions: PatientFilterBody,
  updatedAt: Type.String(),
  count: Type.Optional(Type.Integer()),
  countCapped: Type.Optional(Type.Boolean()),
});

export const SegmentBody = Type.Object(
  { name: Type.String({ minLength: 1, maxLength: 50 }), conditions: PatientFilterBody },
  { additionalProperties: false },
);

export const SegmentPreviewBody = Type.Object({ conditions: PatientFilterBody }, { additionalProperties: false });

export const SegmentPreview = Type.Object({
  count: Type.Integer(),
  countCapped: Type.Boolean(),
  sample: Type.Array(Type.Ref('PatientListItem')),
});

export const AssignResult = Type.Object({ ok: Type.Boolean() });

export const TagList = Type.Object({ items: Type.Array(Tag) });

export const RecomputeAccepted = Type.Object({ jobId: Type.Integer() });

export const SegmentList = Type.Object({ items: Type.Array(Segment) });
