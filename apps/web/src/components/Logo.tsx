import { BRAND } from '../theme.ts';

// A speech bubble (LINE) with a cross (care) in it.
const BUBBLE =
  'M32 14c-11 0-20 7.2-20 16.2 0 8 7.2 14.7 17 16l-1.3 6.6c-.2 1 .8 1.6 1.6 1l9.6-7.6' +
  'C46 43.3 52 37.3 52 30.2 52 21.2 43 14 32 14z';

export function LogoMark({ size = 32 }: { size?: number }) {
  return (
    <svg width={size} height={size} viewBox="0 0 64 64" aria-hidden="true">
      <rect width="64" height="64" rx="14" fill={BRAND.primary} />
      <path d={BUBBLE} fill="#fff" />
      <path d="M24 30h16M32 22v16" stroke={BRAND.primary} strokeWidth="5" strokeLinecap="round" />
    </svg>
  );
}
