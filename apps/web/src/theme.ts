import type { ThemeConfig } from 'antd';

export const BRAND = {
  name: 'Careline',
  tagline: '診所 LINE 官方帳號 × HIS 整合平台',
  primary: '#06a94d',
  siderBg: '#0f2a21',
  siderItemSelected: '#1d4a3a',
};

export const theme: ThemeConfig = {
  token: {
    colorPrimary: BRAND.primary,
    colorInfo: '#1677c8',
    colorLink: '#078a41',
    borderRadius: 8,
    fontSize: 14,
    colorBgLayout: '#f4f6f5',
    fontFamily:
      '-apple-system, BlinkMacSystemFont, "Segoe UI", "Noto Sans TC", "PingFang TC", "Microsoft JhengHei", ' +
      '"Noto Sans CJK TC", sans-serif',
  },
  components: {
    Layout: {
      siderBg: BRAND.siderBg,
      headerBg: '#ffffff',
      headerHeight: 60,
      headerPadding: '0 24px',
      bodyBg: '#f4f6f5',
    },
    Menu: {
      darkItemBg: BRAND.siderBg,
      darkSubMenuItemBg: '#0b2019',
      darkItemSelectedBg: BRAND.siderItemSelected,
      darkItemSelectedColor: '#ffffff',
      darkItemColor: 'rgba(255,255,255,0.72)',
      darkItemHoverColor: '#ffffff',
      itemHeight: 42,
    },
    Card: { headerFontSize: 16 },
    Table: { headerBg: '#f7f9f8' },
  },
};
