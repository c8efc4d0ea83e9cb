// Back-office routes of tags (manual and automatic), assigning them to patients, and segments.
import { Type } from 'typebox';
import { actorOf, clinicOf, requireStaff } from '../../platform/auth.ts';
import type { Deps } from '../../platform/deps.ts';
import { errorResponses, type App } from '../../platform/http.ts';
import { IdParams } from '../patients/schemas.ts';
import {
  AssignBody,
  AssignResult,
  RecomputeAccepted,
  Segment,
  SegmentBody,
  SegmentList,
  SegmentPreview,
  SegmentPreviewBody,
  Tag,
  TagBody,
  TagList,
} from './schemas.ts';
import { tagService } from './service.ts';

export function tagRoutes(app: App, deps: Deps): void {
  const svc = tagService(deps);
  const read = requireStaff(deps, ['admin', 'front_desk', 'doctor', 'viewer']);
  const write = requireStaff(deps, ['admin', 'front_desk']);
  const tags = ['後台：標籤與分眾'];

  app.post(
    '/api/patients/tags',
    {
      schema: {
        tags,
        summary: '為病患加上或移除手動標籤',
        body: AssignBody,
        response: { 200: AssignResult, ...errorResponses(401, 403, 404, 422) },
      },
      preHandler: write,
    },
    async (req) =>
      svc.assign(clinicOf(req), req.body.patientIds, req.body.tagIds, !!req.body.remove, actorOf(req), req.ip),
  );

  app.get(
    '/api/tags',
    {
      schema: {
        tags,
        summary: '標籤列表',
        response: { 200: TagList, ...errorResponses(401) },
      },
      preHandler: read,
    },
    async (req) => svc.list(clinicOf(req)),
  );
  app.post(
    '/api/tags',
    {
      schema: {
        tags,
        summary: '新增標籤',
        description: '有 rule 的是自動標籤，由排程依規則重新計算（年齡層、就診類別、處置代碼、多久沒回診、爽約次數）。',
        body: TagBody,
        response: { 201: Tag, ...errorResponses(401, 403, 422) },
      },
      preHandler: write,
    },
    async (req, reply) => reply.status(201).send(await svc.create(clinicOf(req), req.body, actorOf(req), req.ip)),
  );
  app.delete(
    '/api/tags/:id',
    {
      schema: {
        tags,
        summary: '刪除標籤',
        params: IdParams,
        response: { 204: Type.Null(), ...errorResponses(401, 403, 404) },
      },
      preHandler: write,
    },
    async (req, reply) => {
      await svc.remove(clinicOf(req), req.params.id, actorOf(req), req.ip);
      return reply.status(204).send(null);
    },
  );
  app.post(
    '/api/tags/recompute',
    {
      schema: {
        tags,
        summary: '立即重新計算自動標籤',
        response: { 202: RecomputeAccepted, ...errorResponses(401, 403) },
      },
      preHandler: write,
    },
    async (req, reply) => reply.status(202).send(await svc.requestRecompute(clinicOf(req), actorOf(req), req.ip)),
  );

  app.get(
    '/api/segments',
    {
      schema: {
        tags,
        summary: '分眾列表',
        response: { 200: SegmentList, ...errorResponses(401) },
      },
      preHandler: read,
    },
    async (req) => svc.listSegments(clinicOf(req)),
  );
  app.post(
    '/api/segments/preview',
    {
      schema: {
        tags,
        summary: '分眾試算：符合人數與前 10 位',
        body: SegmentPreviewBody,
        response: { 200: SegmentPreview, ...errorResponses(401, 422) },
      },
      preHandler: read,
    },
    async (req) => svc.preview(clinicOf(req), req.body.conditions),
  );
  app.post(
    '/api/segments',
    {
      schema: {
        tags,
        summary: '儲存分眾',
        body: SegmentBody,
        response: { 201: Segment, ...errorResponses(401, 403, 422) },
      },
      preHandler: write,
    },
    async (req, reply) =>
      reply.status(201).send(await svc.saveSegment(clinicOf(req), null, req.body, actorOf(req), req.ip)),
  );
  app.put(
    '/api/segments/:id',
    {
      schema: {
        tags,
        summary: '修改分眾',
        params: IdParams,
        body: SegmentBody,
        response: { 200: Segment, ...errorResponses(401, 403, 404, 422) },
      },
      preHandler: write,
    },
    async (req) => svc.saveSegment(clinicOf(req), req.params.id, req.body, actorOf(req), req.ip),
  );
  app.delete(
    '/api/segments/:id',
    {
      schema: {
        tags,
        summary: '刪除分眾',
        params: IdParams,
        response: { 204: Type.Null(), ...errorResponses(401, 403, 404) },
      },
      preHandler: write,
    },
    async (req, reply) => {
      await svc.removeSegment(clinicOf(req), req.params.id, actorOf(req), req.ip);
      return reply.status(204).send(null);
    },
  );
}
