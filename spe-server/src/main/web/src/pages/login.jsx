import { useState } from 'preact/hooks';
import * as api from '../api.js';
import { useI18n } from '../i18n.js';
import { ErrorMessage, Field, Page } from '../components.jsx';

/** Password and TOTP code; the platform sets the HttpOnly session cookie. */
export function LoginPage({ onLogin }) {
  const { t } = useI18n();
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [totp, setTotp] = useState('');
  const [error, setError] = useState(null);
  const [busy, setBusy] = useState(false);

  const submit = async (event) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const session = await api.request('POST', '/api/v1/auth/login', { username, password, totp }, { quiet401: true });
      onLogin(session);
    } catch (e) {
      setError(e.status === 401 ? new Error(t('login.failed')) : e);
      setBusy(false);
    }
  };

  return (
    <Page title={t('login.title')} id="login">
      <p>{t('login.intro')}</p>
      <form onSubmit={submit} class="login" aria-describedby="login-error">
        <Field id="username" label={t('login.username')} value={username} autocomplete="username" required
          onInput={(e) => setUsername(e.currentTarget.value)} />
        <Field id="password" label={t('login.password')} type="password" value={password} autocomplete="current-password" required
          onInput={(e) => setPassword(e.currentTarget.value)} />
        <Field id="totp" label={t('login.totp')} hint={t('login.totpHint')} value={totp} inputMode="numeric" autocomplete="one-time-code"
          pattern="[0-9]{6}" maxLength={6} required onInput={(e) => setTotp(e.currentTarget.value)} />
        <button type="submit" id="login-submit" disabled={busy}>{t('login.submit')}</button>
        <div id="login-error"><ErrorMessage error={error} /></div>
      </form>
    </Page>
  );
}
