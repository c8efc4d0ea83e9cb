// 說明中心: the operator manual (docs/manual, chapter by chapter with its screenshots), the short
// help article of each page, and the system FAQ — one search over all of them. The manual and the
// system specification download as PDF (printed on the server by headless Chromium); downloads go
// through fetch, so a refusal (no renderer installed) shows the server's zh-TW message.
import { BookOutlined, FilePdfOutlined, ReadOutlined, SearchOutlined } from '@ant-design/icons';
import { App, Button, Card, Col, Empty, Flex, Input, List, Menu, Row, Tag, Typography } from 'antd';
import { useEffect, useMemo, useState, type ReactNode } from 'react';
import { Link, useSearchParams } from 'react-router';
import { errorMessage } from '../api.ts';
import { downloadFile } from '../download.ts';
import { PageHeader } from '../components/PageHeader.tsx';
import { HELP_ARTICLES, HELP_ORDER, type HelpTopic } from '../help/articles.tsx';
import { chapterBySlug, MANUAL, manualHref, renderChapter } from '../help/manual.tsx';
import { searchArticles } from '../help/search.ts';
import { isAdmin, useUser } from '../session.tsx';

const DOWNLOADS = [
  { key: 'manual', label: '下載操作手冊 PDF', path: '/api/help/manual.pdf', file: 'Careline-系統操作手冊.pdf' },
  { key: 'spec', label: '下載系統規格書 PDF', path: '/api/help/spec.pdf', file: 'Careline-系統規格說明書.pdf' },
] as const;

type Entry = { topic: string; title: string; summary: string; body: ReactNode; href: string };

export function HelpPage() {
  const user = useUser();
  const { message } = App.useApp();
  const [params, setParams] = useSearchParams();
  const operator = user.role === 'platform_operator';
  const topics = operator ? (['platform', 'login'] as HelpTopic[]) : HELP_ORDER;
  const chapters = operator ? [] : MANUAL;
  const chapter = chapterBySlug(params.get('chapter'));
  const section = params.get('section');
  const requested = params.get('topic') as HelpTopic | null;
  const current: HelpTopic | null =
    requested && topics.includes(requested) ? requested : chapter || chapters.length ? null : topics[0];
  const shown = current ? null : (chapter ?? chapters[0]);
  const article = current ? HELP_ARTICLES[current] : null;
  const [query, setQuery] = useState('');
  const [busy, setBusy] = useState<string | null>(null);

  // Everything the search reads: each section of each chapter, then the page articles.
  const entries = useMemo<Entry[]>(
    () => [
      ...chapters.flatMap((c) =>
        c.sections
          .filter((s) => s.text || s.title)
          .map((s) => ({
            topic: `manual:${c.slug}:${s.id}`,
            title: `第 ${c.number} 章 ${c.title}${s.title ? ` › ${s.title}` : ''}`,
            summary: '',
            body: s.text,
            href: manualHref(c.slug, s.id),
          })),
      ),
      ...topics.map((t) => ({ topic: `topic:${t}`, ...HELP_ARTICLES[t], href: `/help?topic=${t}` })),
    ],
    [chapters, topics],
  );
  const byTopic = useMemo(() => new Map(entries.map((e) => [e.topic, e])), [entries]);
  const hits = useMemo(() => searchArticles(entries, query), [entries, query]);

  // Open a section where it starts (a 「？」 of a page links here with ?section=). The screenshots
  // above it load after the first scroll and push it down, so it is kept in place as they load,
  // until the reader scrolls by themselves.
  useEffect(() => {
    if (!shown) return;
    const place = () => {
      const el = section ? document.getElementById(section) : null;
      if (el) el.scrollIntoView({ block: 'start' });
      else window.scrollTo({ top: 0 });
    };
    place();
    if (!section) return;
    let held = true;
    const release = () => {
      held = false;
    };
    const onLoad = () => {
      if (held) place();
    };
    const images = [...document.querySelectorAll<HTMLImageElement>('.manual-chapter img')].filter((i) => !i.complete);
    for (const i of images) i.addEventListener('load', onLoad);
    const events = ['wheel', 'touchmove', 'keydown', 'mousedown'] as const;
    for (const e of events) window.addEventListener(e, release, { passive: true });
    return () => {
      for (const i of images) i.removeEventListener('load', onLoad);
      for (const e of events) window.removeEventListener(e, release);
    };
  }, [shown, section]);

  const get = async (d: (typeof DOWNLOADS)[number]) => {
    setBusy(d.key);
    try {
      await downloadFile(d.path, d.file);
    } catch (e) {
      message.error(errorMessage(e), 8);
    } finally {
      setBusy(null);
    }
  };

  const go = (href: string) => setParams(new URL(href, window.location.origin).searchParams);
  const selected = shown ? `manual:${shown.slug}` : `topic:${current}`;

  return (
    <>
      <PageHeader
        title="說明中心"
        subtitle="系統操作手冊（附畫面）、各頁功能說明與常見問題。每一頁右上角的「？」按鈕也能直接打開該頁的說明與手冊章節。"
        extra={
          operator ? null : (
            <>
              {DOWNLOADS.map((d) => (
                <Button key={d.key} icon={<FilePdfOutlined />} loading={busy === d.key} onClick={() => void get(d)}>
                  {d.label}
                </Button>
              ))}
            </>
          )
        }
      />
      <Row gutter={16}>
        <Col xs={24} md={8} lg={7}>
          <Card
            styles={{ body: { padding: 8 } }}
            style={{ position: 'sticky', top: 80, maxHeight: 'calc(100vh - 96px)', overflow: 'auto' }}
          >
            <Input
              allowClear
              prefix={<SearchOutlined style={{ color: 'rgba(0,0,0,0.35)' }} />}
              placeholder="搜尋手冊與說明，例如：綁定、重新發送"
              aria-label="搜尋說明"
              value={query}
              onChange={(e) => setQuery(e.target.value)}
              style={{ marginBottom: 8 }}
            />
            {query.trim() ? (
              hits.length ? (
                <List
                  aria-label="搜尋結果"
                  dataSource={hits}
                  renderItem={(h) => {
                    const e = byTopic.get(h.topic)!;
                    const manual = h.topic.startsWith('manual:');
                    return (
                      <List.Item
                        key={h.topic}
                        onClick={() => go(e.href)}
                        style={{ cursor: 'pointer', padding: '8px 10px', borderRadius: 6 }}
                      >
                        <List.Item.Meta
                          title={
                            <Flex gap={6} align="baseline">
                              <Tag color={manual ? 'green' : 'default'} style={{ marginInlineEnd: 0 }}>
                                {manual ? '手冊' : '說明'}
                              </Tag>
                              <Typography.Link>{e.title}</Typography.Link>
                            </Flex>
                          }
                          description={<span style={{ fontSize: 12 }}>{h.snippet}</span>}
                        />
                      </List.Item>
                    );
                  }}
                />
              ) : (
                <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={`找不到「${query.trim()}」的說明`} />
              )
            ) : null}
            <Menu
              hidden={!!query.trim()}
              mode="inline"
              selectedKeys={[selected]}
              style={{ borderInlineEnd: 'none' }}
              onClick={({ key }) => go(byTopic.get(key)?.href ?? manualHref(key.split(':')[1]))}
              items={[
                ...(chapters.length
                  ? [
                      {
                        type: 'group' as const,
                        key: 'manual',
                        label: '系統操作手冊',
                        children: chapters.map((c) => ({
                          key: `manual:${c.slug}`,
                          icon: <ReadOutlined />,
                          label: `${c.number}. ${c.title}`,
                        })),
                      },
                    ]
                  : []),
                {
                  type: 'group' as const,
                  key: 'articles',
                  label: '各頁功能說明',
                  children: topics.map((t) => ({
                    key: `topic:${t}`,
                    icon: <BookOutlined />,
                    label: HELP_ARTICLES[t].title,
                  })),
                },
              ]}
            />
          </Card>
        </Col>
        <Col xs={24} md={16} lg={17}>
          {shown ? (
            <Card aria-label="說明內容">
              <Typography.Text type="secondary">系統操作手冊 · 第 {shown.number} 章</Typography.Text>
              <Typography.Title level={3} style={{ margin: '2px 0 12px' }}>
                {shown.title}
              </Typography.Title>
              <nav aria-label="本章目錄" style={{ marginBottom: 8 }}>
                <Flex wrap gap={6}>
                  {shown.sections
                    .filter((s) => s.id)
                    .map((s) => (
                      <Link key={s.id} to={manualHref(shown.slug, s.id)}>
                        <Tag color={s.id === section ? 'green' : undefined} style={{ cursor: 'pointer' }}>
                          {s.title}
                        </Tag>
                      </Link>
                    ))}
                </Flex>
              </nav>
              <div className="manual-chapter" style={{ lineHeight: 1.85, fontSize: 15 }}>
                {renderChapter(shown)}
              </div>
              <Flex justify="space-between" style={{ marginTop: 24 }}>
                {shown.number > 1 ? (
                  <Link to={manualHref(chapters[shown.number - 2].slug)}>← {chapters[shown.number - 2].title}</Link>
                ) : (
                  <span />
                )}
                {shown.number < chapters.length ? (
                  <Link to={manualHref(chapters[shown.number].slug)}>{chapters[shown.number].title} →</Link>
                ) : null}
              </Flex>
            </Card>
          ) : article ? (
            <Card aria-label="說明內容">
              <Flex align="center" gap={10} style={{ marginBottom: 4 }}>
                <Typography.Title level={4} style={{ margin: 0 }}>
                  {article.title}
                </Typography.Title>
                {'adminOnly' in article && article.adminOnly ? <Tag color="gold">管理者</Tag> : null}
              </Flex>
              <Typography.Paragraph type="secondary">{article.summary}</Typography.Paragraph>
              <div style={{ lineHeight: 1.85, fontSize: 15 }}>{article.body}</div>
              {'adminOnly' in article && article.adminOnly && !isAdmin(user) ? (
                <Typography.Paragraph type="secondary" style={{ marginTop: 16 }}>
                  這項功能只開放給管理者，如需協助請聯絡診所的管理者。
                </Typography.Paragraph>
              ) : null}
            </Card>
          ) : null}
        </Col>
      </Row>
    </>
  );
}
