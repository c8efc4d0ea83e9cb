// The signed-in staff member, fetched once from /api/auth/me and kept in the query cache.
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { Flex, Spin } from 'antd';
import type { ReactNode } from 'react';
import { Navigate, useLocation } from 'react-router';
import { api, ApiError, setCsrfToken, type ApiResponse, type Schema } from './api.ts';
import type { Role } from './roles.ts';

type SessionUser = Schema<'SessionUser'>;
type SessionResponse = ApiResponse<'/api/auth/me'>;

export const SESSION_KEY = ['session'] as const;

async function fetchSession(): Promise<SessionUser | null> {
  try {
    const r = await api.get('/api/auth/me', { allowUnauthenticated: true });
    setCsrfToken(r.csrfToken);
    return r.user;
  } catch (err) {
    if (err instanceof ApiError && err.status === 401) {
      setCsrfToken(null);
      return null;
    }
    throw err;
  }
}

export function useSession(): { user: SessionUser | null; isLoading: boolean } {
  const q = useQuery({ queryKey: SESSION_KEY, queryFn: fetchSession, staleTime: 5 * 60_000, retry: false });
  return { user: q.data ?? null, isLoading: q.isLoading };
}

/** The current user inside the signed-in shell (never null there). */
let lastUser: SessionUser | null = null;
export function useUser(): SessionUser {
  const { user } = useSession();
  // While the session is being cleared (logout, expired session) pages of the shell may render
  // once more before the redirect; they keep the last user instead of crashing.
  if (user) lastUser = user;
  if (!lastUser) throw new Error('useUser outside a signed-in page');
  return lastUser;
}

/** Store a fresh session (after login or accept-invite). */
export function useSetSession(): (s: SessionResponse | null) => void {
  const qc = useQueryClient();
  return (s) => {
    setCsrfToken(s?.csrfToken ?? null);
    if (!s) qc.clear();
    qc.setQueryData(SESSION_KEY, s?.user ?? null);
  };
}

export const isAdmin = (u: SessionUser | null) => u?.role === 'admin';
export const isOperator = (u: SessionUser | null) => u?.role === 'platform_operator';
export function hasRole(u: SessionUser | null, roles: readonly Role[] | undefined): boolean {
  if (!roles) return true;
  return !!u && roles.includes(u.role);
}

export function FullPageSpin() {
  return (
    <Flex align="center" justify="center" style={{ height: '100vh' }}>
      <Spin size="large" />
    </Flex>
  );
}

export function RequireAuth({ children }: { children: ReactNode }) {
  const { user, isLoading } = useSession();
  const loc = useLocation();
  if (isLoading) return <FullPageSpin />;
  if (!user) {
    const next = loc.pathname === '/' ? '' : `?next=${encodeURIComponent(loc.pathname + loc.search)}`;
    return <Navigate to={`/login${next}`} replace />;
  }
  return children;
}
