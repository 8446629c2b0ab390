import { useEffect, useRef, useState } from 'preact/hooks';
import Guacamole from 'guacamole-common-js';
import * as api from '../api.js';
import { useI18n } from '../i18n.js';
import { ErrorMessage, Loading, Notice, Page } from '../components.jsx';

/**
 * A researcher's remote desktop of one workspace, over the platform's Guacamole tunnel. Keyboard
 * and mouse go to the desktop; the clipboard is never handed to the Guacamole client, so a paste
 * in the browser cannot reach the desktop (the platform drops clipboard instructions too, and
 * audits them). The desktop carries a watermark with the user and the time.
 */
export function DesktopPage({ id }) {
  const { t } = useI18n();
  const holder = useRef(null);
  const [state, setState] = useState('connecting');
  const [problem, setProblem] = useState(null);
  const [blocked, setBlocked] = useState(false);

  useEffect(() => {
    let [width, height] = desktopSize(holder.current);
    const tunnel = new Guacamole.WebSocketTunnel(`/api/v1/workspaces/${encodeURIComponent(id)}/desktop/tunnel`);
    const client = new Guacamole.Client(tunnel);
    const display = client.getDisplay().getElement();
    display.id = 'desktop-display';
    display.tabIndex = 0;
    holder.current.appendChild(display);
    client.onstatechange = (s) => setState(['idle', 'connecting', 'waiting', 'connected', 'disconnecting', 'disconnected'][s] || 'idle');
    client.onerror = (status) => setProblem(status.message || `Guacamole status ${status.code}`);
    const mouse = new Guacamole.Mouse(display);
    // The desktop's pointer shape becomes the browser's own pointer over the display.
    client.getDisplay().showCursor(false);
    client.getDisplay().oncursor = (canvas, x, y) => mouse.setCursor(canvas, x, y);
    mouse.onEach(['mousedown', 'mousemove', 'mouseup'], (e) => client.sendMouseState(e.state, true));
    const keyboard = new Guacamole.Keyboard(display);
    keyboard.onkeydown = (keysym) => { client.sendKeyEvent(1, keysym); return false; };
    keyboard.onkeyup = (keysym) => client.sendKeyEvent(0, keysym);
    display.focus();
    const params = new URLSearchParams({ csrf: api.csrfToken() || '', width: String(width), height: String(height) });
    client.connect(params.toString());
    // When the window changes size, the desktop follows (the platform resizes its screen). The size
    // depends on the window only, not on the page's layout, so it cannot feed back on itself.
    let pending = null;
    const follow = () => {
      clearTimeout(pending);
      pending = setTimeout(() => {
        const [w, h] = desktopSize(holder.current);
        if (w !== width || h !== height) {
          [width, height] = [w, h];
          client.sendSize(w, h);
        }
      }, 300);
    };
    window.addEventListener('resize', follow);
    return () => {
      window.removeEventListener('resize', follow);
      clearTimeout(pending);
      keyboard.onkeydown = null;
      keyboard.onkeyup = null;
      client.disconnect();
      display.remove();
    };
  }, [id]);

  const block = (event) => {
    event.preventDefault();
    event.stopPropagation();
    setBlocked(true);
  };

  return (
    <Page title={t('desktop.title')} id="desktop">
      <p class="hint" id="desktop-hint">{t('desktop.hint')}</p>
      <p role="status" id="desktop-state">{t(`desktop.state.${state}`)}</p>
      {problem && <p role="alert" id="desktop-error">{problem}</p>}
      {blocked && <Notice text={t('desktop.clipboardBlocked')} />}
      <div class="desktop" ref={holder} onPaste={block} onCopy={block} onCut={block} onDrop={block} onDragOver={block} onContextMenu={block} />
    </Page>
  );
}

/**
 * The desktop size for the window: as wide as the window less the page's margins (a multiple of 8,
 * 640–1600) and 16:10 but no taller than the window below the desktop's top (480–1000).
 */
function desktopSize(holder) {
  const width = Math.max(640, Math.min(1600, Math.floor((window.innerWidth - 56) / 8) * 8));
  const top = holder ? holder.getBoundingClientRect().top + window.scrollY : 240;
  const height = Math.max(480, Math.min(1000, Math.round(width * 0.625), Math.floor(window.innerHeight - top - 24)));
  return [width, height];
}

/** Auditors: desktop session recordings, replayed with the Guacamole player and a timeline. */
export function RecordingsPage() {
  const { t } = useI18n();
  const [recordings, setRecordings] = useState(null);
  const [error, setError] = useState(null);
  const [selected, setSelected] = useState(null);
  useEffect(() => {
    api.get('/api/v1/desktop/recordings').then(setRecordings).catch(setError);
  }, []);
  if (error) return <Page title={t('recordings.title')} id="recordings"><ErrorMessage error={error} /></Page>;
  if (!recordings) return <Loading />;
  return (
    <Page title={t('recordings.title')} id="recordings">
      {recordings.length === 0 ? <p>{t('recordings.none')}</p> : (
        <ul class="recordings">
          {recordings.map((r) => (
            <li key={r.id}>
              <button type="button" class="recording" data-id={r.id} onClick={() => setSelected(r.id)}>{r.id}</button>
              {' '}<span>{r.modified}</span>
            </li>
          ))}
        </ul>
      )}
      {selected && <Player key={selected} id={selected} />}
    </Page>
  );
}

function Player({ id }) {
  const { t } = useI18n();
  const holder = useRef(null);
  const recording = useRef(null);
  const [duration, setDuration] = useState(0);
  const [position, setPosition] = useState(0);
  const [playing, setPlaying] = useState(false);
  const [loaded, setLoaded] = useState(false);
  const [error, setError] = useState(null);

  useEffect(() => {
    // Read through a StaticHTTPTunnel: guacamole-common-js 1.5.0's SessionRecording cannot load a
    // Blob (it never keeps the Blob it was given and fails with "reading 'size'"); the tunnel path
    // streams the recording and keeps its own copy for seeking.
    const player = new Guacamole.SessionRecording(new Guacamole.StaticHTTPTunnel(`/api/v1/desktop/recordings/${encodeURIComponent(id)}`));
    recording.current = player;
    player.getDisplay().showCursor(false);
    const display = player.getDisplay().getElement();
    display.id = 'recording-display';
    holder.current.appendChild(display);
    player.onprogress = (length) => setDuration(length);
    player.onload = () => {
      setDuration(player.getDuration());
      setLoaded(true);
    };
    player.onplay = () => setPlaying(true);
    player.onpause = () => setPlaying(false);
    player.onseek = (at) => setPosition(at);
    player.onerror = (message) => setError(new Error(message || t('recordings.failed')));
    player.connect();
    const timer = setInterval(() => setPosition(player.getPosition()), 250);
    return () => {
      clearInterval(timer);
      player.abort();
      display.remove();
    };
  }, [id]);

  const toggle = () => {
    const player = recording.current;
    if (!player) return;
    if (player.isPlaying()) player.pause(); else player.play();
  };
  const seek = (event) => {
    const player = recording.current;
    if (player) player.seek(Number(event.currentTarget.value));
  };

  return (
    <section aria-labelledby="player-title" class="player">
      <h2 id="player-title">{t('recordings.player', { id })}</h2>
      {error && <ErrorMessage error={error} />}
      <p role="status" id="recording-state">{loaded ? t('recordings.loaded') : t('common.loading')}</p>
      <button type="button" id="recording-play" onClick={toggle} disabled={!loaded}>{playing ? t('recordings.pause') : t('recordings.play')}</button>
      <label for="recording-timeline">{t('recordings.timeline')}</label>
      <input id="recording-timeline" type="range" min="0" max={duration} value={position} onChange={seek} disabled={!loaded} />
      <span id="recording-time">{Math.round(position / 1000)} / {Math.round(duration / 1000)} s</span>
      <div class="desktop" ref={holder} />
    </section>
  );
}
