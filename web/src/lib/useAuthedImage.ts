import { useEffect, useState } from 'react';
import { useQuery } from '@tanstack/react-query';
import { useAuth } from '../auth/AuthContext';

/**
 * An image the API serves behind the bearer token (a plain <img src> cannot send it), as an object URL
 * for <img src>; null while it loads, when `path` is empty, or when it cannot be had (404, network).
 * The Blob is cached by path, so re-renders and the lists' periodic refreshes do not fetch it again;
 * each user of the hook makes its own object URL and revokes it on unmount or when the path changes.
 */
export function useAuthedImage(path: string | null | undefined): string | null {
  const { api } = useAuth();
  const image = useQuery({
    queryKey: ['authed-image', path ?? ''],
    queryFn: ({ signal }) => api.getBlob(path!, signal),
    enabled: !!path,
    staleTime: 60 * 60_000,
    refetchOnWindowFocus: false,
  });
  // A 204 answers no body; an empty body is no image either.
  const blob = image.data && image.data.size > 0 ? image.data : null;
  const [made, setMade] = useState<{ blob: Blob; url: string } | null>(null);
  useEffect(() => {
    if (!blob) return;
    const url = URL.createObjectURL(blob);
    setMade({ blob, url });
    return () => URL.revokeObjectURL(url);
  }, [blob]);
  // Only the URL made for the current Blob: an older one is revoked already.
  return path && blob && made?.blob === blob ? made.url : null;
}
