import { useQuery } from '@tanstack/react-query';
import { useAuth } from '../auth/AuthContext';
import { browserTimeZone } from './time';

/**
 * The zone dates are shown in: the one the user chose in their notification preferences (also used
 * for their e-mails), else the browser's.
 */
export function useTimeZone(): string {
  const { api, user } = useAuth();
  const prefs = useQuery({
    queryKey: ['preferences', user?.id],
    queryFn: ({ signal }) => api.get<{ timezone?: string | null }>('/api/v1/notifications/preferences/', signal),
    enabled: !!user,
    staleTime: 5 * 60_000,
    retry: false,
  });
  return prefs.data?.timezone || browserTimeZone();
}
