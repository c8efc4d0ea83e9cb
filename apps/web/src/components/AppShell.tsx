// The signed-in frame: sider with logo, clinic name and navigation; header with the user menu.
import { DownOutlined, LogoutOutlined, QuestionCircleOutlined, SafetyCertificateOutlined } from '@ant-design/icons';
import { useMutation } from '@tanstack/react-query';
import { Avatar, Dropdown, Flex, Layout, Menu, Tag, Typography, type MenuProps } from 'antd';
import { useMemo, useState } from 'react';
import { Outlet, useLocation, useNavigate } from 'react-router';
import { api } from '../api.ts';
import { CLINIC_NAV, navFor, PLATFORM_NAV, type NavItem } from '../nav.tsx';
import { useUser } from '../session.tsx';
import { BRAND } from '../theme.ts';
import { LogoMark } from './Logo.tsx';

const { Sider, Header, Content } = Layout;

type MenuItem = Required<MenuProps>['items'][number];

function toMenu(items: NavItem[]): MenuItem[] {
  return items.map((it) =>
    it.children
      ? { key: it.path, icon: it.icon, label: it.label, children: toMenu(it.children) }
      : { key: it.path, icon: it.icon, label: it.label },
  );
}

function flatten(items: NavItem[]): NavItem[] {
  return items.flatMap((it) => (it.children ? [it, ...flatten(it.children)] : [it]));
}

export function AppShell() {
  const user = useUser();
  const navigate = useNavigate();
  const location = useLocation();
  const nav = useMemo(
    () => navFor(user.role === 'platform_operator' ? PLATFORM_NAV : CLINIC_NAV, user.role),
    [user.role],
  );
  const flat = useMemo(() => flatten(nav), [nav]);

  // The deepest nav entry that matches the current path.
  const selected = useMemo(() => {
    const p = location.pathname;
    const hit = flat
      .filter((it) => !it.children && (it.path === '/' ? p === '/' : p === it.path || p.startsWith(`${it.path}/`)))
      .sort((a, b) => b.path.length - a.path.length)[0];
    return hit?.path;
  }, [flat, location.pathname]);
  const parentOfSelected = nav.find((it) => it.children?.some((c) => c.path === selected))?.path;
  const [collapsed, setCollapsed] = useState(false);
  const [openKeys, setOpenKeys] = useState<string[]>(() => (parentOfSelected ? [parentOfSelected] : []));
  const effectiveOpen =
    parentOfSelected && !openKeys.includes(parentOfSelected) ? [...openKeys, parentOfSelected] : openKeys;

  const logout = useMutation({
    mutationFn: () => api.post('/api/auth/logout', { allowUnauthenticated: true }),
    // A full page load drops every cached query of this user.
    onSettled: () => window.location.assign('/login'),
  });

  const subtitle = user.role === 'platform_operator' ? '平台營運後台' : (user.clinicName ?? '');

  const userMenu: MenuProps['items'] = [
    {
      key: 'who',
      disabled: true,
      label: (
        <div style={{ color: 'rgba(0,0,0,0.88)' }}>
          <div style={{ fontWeight: 600 }}>{user.name}</div>
          <div style={{ fontSize: 12, color: 'rgba(0,0,0,0.45)' }}>{user.email}</div>
        </div>
      ),
    },
    { type: 'divider' },
    { key: 'security', icon: <SafetyCertificateOutlined aria-hidden />, label: '帳號安全' },
    ...(user.role === 'platform_operator'
      ? []
      : [{ key: 'help', icon: <QuestionCircleOutlined aria-hidden />, label: '說明中心' }]),
    { key: 'logout', icon: <LogoutOutlined aria-hidden />, label: '登出', danger: true },
  ];

  return (
    <Layout style={{ minHeight: '100vh' }}>
      <Sider
        width={232}
        breakpoint="lg"
        collapsedWidth={72}
        collapsed={collapsed}
        onBreakpoint={setCollapsed}
        trigger={null}
        style={{ position: 'sticky', top: 0, height: '100vh', overflow: 'auto' }}
      >
        <Flex
          align="center"
          justify={collapsed ? 'center' : undefined}
          gap={10}
          style={{ padding: collapsed ? '18px 0 14px' : '18px 20px 14px' }}
        >
          <LogoMark size={34} />
          <div style={{ minWidth: 0, display: collapsed ? 'none' : undefined }}>
            <div style={{ color: '#fff', fontWeight: 700, fontSize: 18, letterSpacing: 0.3, lineHeight: 1.2 }}>
              {BRAND.name}
            </div>
            <div
              style={{
                color: 'rgba(255,255,255,0.6)',
                fontSize: 12,
                overflow: 'hidden',
                textOverflow: 'ellipsis',
                whiteSpace: 'nowrap',
              }}
              title={subtitle}
            >
              {subtitle}
            </div>
          </div>
        </Flex>
        <nav aria-label="主選單">
          <Menu
            theme="dark"
            mode="inline"
            items={toMenu(nav)}
            selectedKeys={selected ? [selected] : []}
            openKeys={effectiveOpen}
            onOpenChange={(keys) => setOpenKeys(keys as string[])}
            onClick={({ key }) => navigate(key)}
            style={{ borderInlineEnd: 'none', padding: '4px 8px' }}
          />
        </nav>
      </Sider>
      <Layout>
        <Header
          style={{
            position: 'sticky',
            top: 0,
            zIndex: 10,
            borderBottom: '1px solid #e8ecea',
            display: 'flex',
            alignItems: 'center',
            justifyContent: 'space-between',
          }}
        >
          <Typography.Text strong style={{ fontSize: 15 }}>
            {user.role === 'platform_operator' ? 'Careline 平台營運' : user.clinicName}
          </Typography.Text>
          {/* The menu opens inside the sticky header: in the page (antd's default) it was placed
              for the page's scroll and moved when the page scrolled under it, so a click could
              land on the item beside the one aimed at. */}
          <Dropdown
            trigger={['click']}
            getPopupContainer={(trigger) => trigger.parentElement ?? document.body}
            menu={{
              items: userMenu,
              onClick: ({ key }) => {
                if (key === 'logout') logout.mutate();
                if (key === 'help') navigate('/help');
                if (key === 'security') navigate('/account/security');
              },
            }}
          >
            <button type="button" aria-label="使用者選單" style={{ all: 'unset', cursor: 'pointer' }}>
              <Flex align="center" gap={10}>
                <Avatar style={{ background: BRAND.primary }}>{user.name.slice(0, 1)}</Avatar>
                <span style={{ lineHeight: 1.3 }}>
                  <span style={{ display: 'block', fontWeight: 500 }}>{user.name}</span>
                </span>
                <Tag color="green" variant="filled" style={{ marginInlineEnd: 0 }}>
                  {user.roleLabel}
                </Tag>
                <DownOutlined style={{ fontSize: 11, color: 'rgba(0,0,0,0.45)' }} />
              </Flex>
            </button>
          </Dropdown>
        </Header>
        <Content style={{ padding: '24px 32px 40px' }}>
          <div style={{ maxWidth: 1280, margin: '0 auto' }}>
            <Outlet />
          </div>
        </Content>
      </Layout>
    </Layout>
  );
}
