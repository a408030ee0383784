import { useQuery } from '@tanstack/react-query';
import type { Course, LiveSession, Page } from '../api/types';
import { useAuth } from '../auth/AuthContext';

/** The courses the user can see (students: enrolled; instructors: theirs and enrolled; admins: all). */
export function useCourses() {
  const { api } = useAuth();
  return useQuery({
    queryKey: ['courses'],
    queryFn: ({ signal }) => api.get<Page<Course>>('/api/v1/courses/?page_size=100', signal),
    staleTime: 60_000,
  });
}

export function sessionsPath(params: Record<string, string | number | undefined>): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== '') q.set(k, String(v));
  return `/api/v1/live-sessions/?${q.toString()}`;
}

/** Live classes and those still to come, soonest first. */
export function useUpcomingSessions(courseId: string | undefined) {
  const { api } = useAuth();
  return useQuery({
    queryKey: ['sessions', 'upcoming', courseId ?? ''],
    queryFn: async ({ signal }) => {
      const from = new Date(Date.now() - 60 * 60_000).toISOString().replace(/\.\d{3}Z$/, 'Z');
      const [live, coming] = await Promise.all([
        api.get<Page<LiveSession>>(sessionsPath({ course: courseId, status: 'live', page_size: 100 }), signal),
        api.get<Page<LiveSession>>(sessionsPath({ course: courseId, from, page_size: 100 }), signal),
      ]);
      const seen = new Set<string>();
      const all = [...live.results, ...coming.results].filter((s) => {
        if (seen.has(s.id) || s.status === 'ended') return false;
        seen.add(s.id);
        return true;
      });
      all.sort((a, b) => (a.status === 'live' ? -1 : 0) - (b.status === 'live' ? -1 : 0) || a.scheduled_start.localeCompare(b.scheduled_start));
      return all;
    },
    refetchInterval: 30_000,
  });
}

/** Classes that took place, latest first (one that ended early is past even if planned for later). */
export function usePastSessions(courseId: string | undefined, page: number) {
  const { api } = useAuth();
  return useQuery({
    queryKey: ['sessions', 'past', courseId ?? '', page],
    queryFn: ({ signal }) =>
      api.get<Page<LiveSession>>(sessionsPath({ course: courseId, status: 'ended', page, page_size: 20 }), signal),
  });
}
