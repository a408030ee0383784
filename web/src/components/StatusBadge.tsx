import { useTranslation } from 'react-i18next';
import type { SessionStatus } from '../api/types';

export function StatusBadge({ status }: { status: SessionStatus }) {
  const { t } = useTranslation();
  return (
    <span className={`badge badge-${status}`} data-status={status}>
      {status === 'live' && <span className="live-dot" aria-hidden="true" />}
      {t(`status.${status}`)}
    </span>
  );
}
