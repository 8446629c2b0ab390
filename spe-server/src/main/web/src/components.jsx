// Small accessible building blocks: every input has a label, errors are announced (role=alert),
// a page's heading takes the focus when the page opens, links and buttons are native elements.
import { useEffect, useRef, useState, useCallback } from 'preact/hooks';
import { useI18n } from './i18n.js';

let navigateTo = () => {};
export function setNavigator(fn) {
  navigateTo = fn;
}
export function navigate(path) {
  navigateTo(path);
}

/** An in-console link: a real <a href>, so it works with Enter, middle-click and bookmarks. */
export function Link({ href, children, ...rest }) {
  const onClick = (event) => {
    if (event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    event.preventDefault();
    navigate(href);
  };
  return <a href={href} onClick={onClick} {...rest}>{children}</a>;
}

/** A page: its heading gets the focus when it opens (screen readers and keyboard users start there). */
export function Page({ title, id, children }) {
  const heading = useRef(null);
  useEffect(() => {
    document.title = `${title} — SPE`;
    if (heading.current) heading.current.focus();
  }, [title]);
  return (
    <section class="page" id={id} aria-labelledby={`${id}-title`}>
      <h1 id={`${id}-title`} tabIndex={-1} ref={heading}>{title}</h1>
      {children}
    </section>
  );
}

export function ErrorMessage({ error }) {
  if (!error) return null;
  return <p class="error" role="alert">{error.message || String(error)}</p>;
}

export function Notice({ text }) {
  if (!text) return null;
  return <p class="notice" role="status">{text}</p>;
}

export function Loading() {
  const { t } = useI18n();
  return <p class="loading" role="status">{t('common.loading')}</p>;
}

/** Loads data with fn() whenever deps change; answers [data, error, reload]. */
export function useLoad(fn, deps) {
  const [data, setData] = useState(null);
  const [error, setError] = useState(null);
  const [tick, setTick] = useState(0);
  useEffect(() => {
    let live = true;
    setError(null);
    fn().then((value) => live && setData(value)).catch((e) => live && setError(e));
    return () => {
      live = false;
    };
  }, [...deps, tick]);
  const reload = useCallback(() => setTick((n) => n + 1), []);
  return [data, error, reload];
}

/** Runs an action and keeps its error and busy flag; answers [run, busy, error, setError]. */
export function useAction() {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState(null);
  const run = async (fn) => {
    setBusy(true);
    setError(null);
    try {
      return await fn();
    } catch (e) {
      setError(e);
      return undefined;
    } finally {
      setBusy(false);
    }
  };
  return [run, busy, error, setError];
}

/** A labelled input; extra props go to the input. */
export function Field({ id, label, hint, as = 'input', children, ...rest }) {
  const Tag = as;
  return (
    <div class="field">
      <label for={id}>{label}</label>
      {children ? <Tag id={id} aria-describedby={hint ? `${id}-hint` : undefined} {...rest}>{children}</Tag>
        : <Tag id={id} aria-describedby={hint ? `${id}-hint` : undefined} {...rest} />}
      {hint && <small id={`${id}-hint`}>{hint}</small>}
    </div>
  );
}

/** A data table with a caption and column headers. columns: [{key, label, render?}]. */
export function DataTable({ caption, columns, rows, rowKey, empty, id }) {
  const { t } = useI18n();
  if (!rows || rows.length === 0) return <p class="empty" id={id}>{empty || t('common.none')}</p>;
  return (
    <div class="table-wrap">
      <table id={id}>
        <caption>{caption}</caption>
        <thead>
          <tr>{columns.map((c) => <th scope="col" key={c.key}>{c.label}</th>)}</tr>
        </thead>
        <tbody>
          {rows.map((row, index) => (
            <tr key={rowKey ? rowKey(row) : index}>
              {columns.map((c) => <td key={c.key} data-column={c.key}>{c.render ? c.render(row) : format(row[c.key])}</td>)}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

export function format(value) {
  if (value === null || value === undefined) return '';
  if (Array.isArray(value)) return value.join(', ');
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

/** A state shown as text with its translated name. */
export function StateBadge({ state }) {
  const { t } = useI18n();
  const key = `state.${state}`;
  const text = t(key);
  return <span class={`badge state-${String(state).toLowerCase()}`}>{text === key ? String(state) : text}</span>;
}
