// The SPE web console: one page application under /console/. The session lives in an HttpOnly
// cookie; the console keeps only the CSRF token (in memory) and the session deadline.
import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import './style.css';
import * as api from './api.js';
import { I18n, LANGUAGES, initialLanguage, rememberLanguage, translator } from './i18n.js';
import { Link, setNavigator } from './components.jsx';
import { LoginPage } from './pages/login.jsx';
import { SessionWarning } from './pages/session.jsx';
import { routesFor, homeFor, navigationFor } from './routes.jsx';

const PREFIX = '/console';

function currentPath() {
  const path = window.location.pathname;
  return path.startsWith(PREFIX) ? path.substring(PREFIX.length) || '/' : '/';
}

function App() {
  const [language, setLanguage] = useState(initialLanguage());
  const [session, setSession] = useState(undefined); // undefined: asking; null: logged out
  const [path, setPath] = useState(currentPath());
  const t = translator(language);

  useEffect(() => {
    rememberLanguage(language);
  }, [language]);

  useEffect(() => {
    setNavigator((to) => {
      window.history.pushState({}, '', to);
      setPath(currentPath());
    });
    const onPop = () => setPath(currentPath());
    window.addEventListener('popstate', onPop);
    api.onUnauthenticated(() => {
      api.setSession(null);
      setSession(null);
    });
    api.get('/api/v1/auth/session', { quiet401: true })
      .then((s) => {
        api.setSession(s);
        setSession(s);
      })
      .catch(() => setSession(null));
    return () => window.removeEventListener('popstate', onPop);
  }, []);

  const loggedIn = (s) => {
    api.setSession(s);
    setSession(s);
    const home = homeFor(s.roles);
    window.history.replaceState({}, '', PREFIX + home);
    setPath(home);
  };

  const logout = async () => {
    try {
      await api.post('/api/v1/auth/logout');
    } catch (e) {
      // already ended: nothing to do
    }
    api.setSession(null);
    setSession(null);
    window.history.replaceState({}, '', `${PREFIX}/`);
    setPath('/');
  };

  let content;
  if (session === undefined) {
    content = <p role="status">{t('common.loading')}</p>;
  } else if (session === null) {
    content = <LoginPage onLogin={loggedIn} />;
  } else {
    const routes = routesFor(session.roles);
    let page = null;
    for (const route of routes) {
      const match = route.pattern.exec(path === '/' ? homeFor(session.roles) : path);
      if (match) {
        page = route.render(match.slice(1).map(decodeURIComponent), session);
        break;
      }
    }
    content = page || <p role="alert">{t('common.notFound')}</p>;
  }

  return (
    <I18n.Provider value={{ language, t }}>
      <a class="skip" href="#main">{t('layout.skip')}</a>
      <header class="top">
        <p class="brand"><Link href={`${PREFIX}/`}>{t('layout.brand')}</Link></p>
        {session && (
          <nav aria-label={t('layout.navigation')}>
            <ul>
              {navigationFor(session.roles).map((item) => (
                <li key={item.path}>
                  <Link href={PREFIX + item.path} aria-current={path.startsWith(item.path) ? 'page' : undefined}>{t(item.label)}</Link>
                </li>
              ))}
            </ul>
          </nav>
        )}
        <div class="tools">
          <label for="language">{t('layout.language')}</label>
          <select id="language" value={language} onChange={(e) => setLanguage(e.currentTarget.value)}>
            {LANGUAGES.map((code) => <option key={code} value={code} lang={code}>{t(`language.${code}`)}</option>)}
          </select>
          {session && <span class="user" id="current-user">{session.userId}</span>}
          {session && <button type="button" id="logout" onClick={logout}>{t('layout.logout')}</button>}
        </div>
      </header>
      {session && <SessionWarning onExpired={() => { api.setSession(null); setSession(null); }} />}
      <main id="main" tabIndex={-1}>{content}</main>
    </I18n.Provider>
  );
}

render(<App />, document.getElementById('app'));
