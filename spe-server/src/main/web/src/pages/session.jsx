import { useEffect, useState } from 'preact/hooks';
import * as api from '../api.js';
import { useI18n } from '../i18n.js';

/** Warn this many seconds before the session ends. */
export const WARNING_SECONDS = 120;

/**
 * The session-timeout warning: a live alert WARNING_SECONDS before the session ends, with a button
 * that keeps it (any authenticated request extends an idle session). At zero the console returns
 * to the login page.
 */
export function SessionWarning({ onExpired }) {
  const { t } = useI18n();
  const [deadline, setDeadline] = useState(null);
  const [now, setNow] = useState(Date.now());
  useEffect(() => api.onDeadline(setDeadline), []);
  useEffect(() => {
    const timer = window.setInterval(() => setNow(Date.now()), 1000);
    return () => window.clearInterval(timer);
  }, []);
  if (deadline === null) return null;
  const left = Math.max(0, Math.round((deadline - now) / 1000));
  if (left === 0) {
    window.setTimeout(onExpired, 0);
    return null;
  }
  if (left > WARNING_SECONDS) return null;
  const extend = async () => {
    const session = await api.get('/api/v1/auth/session');
    api.setSession(session);
  };
  return (
    <div class="session-warning" role="alert" id="session-warning">
      <p>{t('session.warning', { seconds: left })}</p>
      <button type="button" id="session-extend" onClick={extend}>{t('session.extend')}</button>
    </div>
  );
}
