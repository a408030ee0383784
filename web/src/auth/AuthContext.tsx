import { createContext, useCallback, useContext, useMemo, useState, type ReactNode } from 'react';
import { QueryClientContext } from '@tanstack/react-query';
import { ApiClient } from '../api/client';
import type { Tenant, User } from '../api/types';

interface Stored {
  token: string;
  user: User;
  tenant: Tenant;
  expiresAt: number; // ms since epoch
}

const KEY = 'liveclass.auth';

function load(storage: Storage): Stored | null {
  try {
    const s = JSON.parse(storage.getItem(KEY) ?? 'null') as Stored | null;
    if (!s || typeof s.token !== 'string' || s.expiresAt <= Date.now()) return null;
    return s;
  } catch {
    return null;
  }
}

export interface Auth {
  user: User | null;
  tenant: Tenant | null;
  api: ApiClient;
  login(email: string, password: string): Promise<void>;
  logout(): void;
}

const AuthContext = createContext<Auth | null>(null);

/**
 * Holds the access token (1 hour, from POST /api/v1/auth/login/) in localStorage so a reload or a
 * second tab stays signed in; an expired or refused token sends the user back to the login page.
 */
export function AuthProvider({ children, storage = window.localStorage }: { children: ReactNode; storage?: Storage }) {
  const [state, setState] = useState<Stored | null>(() => load(storage));
  // Cached answers belong to whoever was signed in: the next person on this browser starts empty.
  const queryClient = useContext(QueryClientContext);
  const logout = useCallback(() => {
    storage.removeItem(KEY);
    queryClient?.clear();
    setState(null);
  }, [storage, queryClient]);
  const api = useMemo(
    () =>
      new ApiClient(
        () => {
          const s = load(storage);
          return s ? s.token : null;
        },
        logout,
      ),
    [storage, logout],
  );
  const login = useCallback(
    async (email: string, password: string) => {
      const res = await api.post<{ access_token: string; expires_in: number; user: User; tenant: Tenant }>(
        '/api/v1/auth/login/',
        { email, password },
      );
      const s: Stored = {
        token: res.access_token,
        user: res.user,
        tenant: res.tenant,
        expiresAt: Date.now() + res.expires_in * 1000 - 30_000,
      };
      storage.setItem(KEY, JSON.stringify(s));
      queryClient?.clear();
      setState(s);
    },
    [api, storage, queryClient],
  );
  const value = useMemo<Auth>(
    () => ({ user: state?.user ?? null, tenant: state?.tenant ?? null, api, login, logout }),
    [state, api, login, logout],
  );
  return <AuthContext.Provider value={value}>{children}</AuthContext.Provider>;
}

export function useAuth(): Auth {
  const a = useContext(AuthContext);
  if (!a) throw new Error('useAuth outside AuthProvider');
  return a;
}

/** The signed-in user (components under RequireAuth only). */
export function useUser(): User {
  const { user } = useAuth();
  if (!user) throw new Error('useUser without a signed-in user');
  return user;
}
