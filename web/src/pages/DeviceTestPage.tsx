import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import { DeviceTestScreen } from '../components/DeviceTestScreen';

/** Check the camera, microphone and speakers before a class (linked from the menu and every class page). */
export function DeviceTestPage() {
  const { t } = useTranslation();
  return (
    <main className="page">
      <p className="breadcrumb">
        <Link to="/">{t('device.back')}</Link>
      </p>
      <h1>{t('device.title')}</h1>
      <p className="muted">{t('device.lead')}</p>
      <DeviceTestScreen />
    </main>
  );
}
