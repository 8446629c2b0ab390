import { useState } from 'preact/hooks';
import * as api from '../api.js';
import { useI18n } from '../i18n.js';
import { DataTable, ErrorMessage, Field, Loading, Notice, Page, useAction, useLoad } from '../components.jsx';

const OUTCOMES = ['SUCCESS', 'DENIED', 'FAILED'];
const FILTERS = ['user', 'permit', 'workspace', 'dataset', 'action'];

function instant(local) {
  return local ? new Date(local).toISOString() : '';
}

function summary(details) {
  if (!details) return '';
  const text = JSON.stringify(details);
  return text === '{}' ? '' : text;
}

/** Auditors: event search with every filter, timelines, verification, export and alerts. */
export function AuditPage() {
  const { t } = useI18n();
  return (
    <Page title={t('audit.title')} id="audit">
      <AuditSearch />
      <Timeline />
      <Verify />
      <Export />
      <Alerts />
    </Page>
  );
}

function AuditSearch() {
  const { t } = useI18n();
  const [filters, setFilters] = useState({ user: '', permit: '', workspace: '', dataset: '', action: '', outcome: '', from: '', to: '' });
  const [newestFirst, setNewestFirst] = useState(true);
  const [page, setPage] = useState(null);
  const [run, busy, error] = useAction();
  const params = (cursor) => ({ ...filters, from: instant(filters.from), to: instant(filters.to), newestFirst, pageSize: 500, cursor });
  const search = (cursor) => run(async () => setPage(await api.get(`/api/v1/audit/events${api.query(params(cursor))}`)));
  const submit = (event) => {
    event.preventDefault();
    search();
  };
  const set = (name) => (e) => setFilters({ ...filters, [name]: e.currentTarget.value });
  const csv = `/api/v1/audit/events${api.query({ ...params(), format: 'csv', pageSize: undefined })}`;
  return (
    <section class="panel" aria-labelledby="audit-search-title">
      <h2 id="audit-search-title">{t('audit.search')}</h2>
      <form class="filters" onSubmit={submit}>
        {FILTERS.map((name) => <Field key={name} id={`audit-${name}`} label={t(`audit.filter.${name}`)} value={filters[name]} onInput={set(name)} />)}
        <Field id="audit-outcome" as="select" label={t('audit.filter.outcome')} value={filters.outcome} onChange={set('outcome')}>
          <option value="">{t('audit.any')}</option>
          {OUTCOMES.map((o) => <option key={o} value={o}>{t(`audit.outcome.${o}`)}</option>)}
        </Field>
        <Field id="audit-from" type="datetime-local" label={t('audit.filter.from')} value={filters.from} onInput={set('from')} />
        <Field id="audit-to" type="datetime-local" label={t('audit.filter.to')} value={filters.to} onInput={set('to')} />
        <div class="field checkbox">
          <input type="checkbox" id="audit-newest" checked={newestFirst} onChange={(e) => setNewestFirst(e.currentTarget.checked)} />
          <label for="audit-newest">{t('audit.newestFirst')}</label>
        </div>
        <button type="submit" id="audit-search-submit" disabled={busy}>{t('audit.searchSubmit')}</button>
        <a class="button-link" id="audit-csv" href={csv} download="audit-events.csv">{t('audit.csv')}</a>
      </form>
      <ErrorMessage error={error} />
      {page && (
        <>
          <p role="status" id="audit-count">{t('audit.found', { n: page.events.length })}</p>
          <EventTable events={page.events} id="audit-results" />
          {page.nextCursor && <button type="button" id="audit-next" onClick={() => search(page.nextCursor)}>{t('audit.next')}</button>}
        </>
      )}
    </section>
  );
}

function EventTable({ events, id }) {
  const { t } = useI18n();
  return (
    <DataTable id={id} caption={t('audit.events')} rows={events} rowKey={(e) => e.sequence} columns={[
      { key: 'sequence', label: '#' },
      { key: 'time', label: t('audit.time') },
      { key: 'userId', label: t('audit.filter.user') },
      { key: 'role', label: t('audit.role') },
      { key: 'action', label: t('audit.filter.action') },
      { key: 'object', label: t('audit.object'), render: (e) => `${e.objectType}:${e.objectId}` },
      { key: 'permitId', label: t('audit.filter.permit') },
      { key: 'workspaceId', label: t('audit.filter.workspace') },
      { key: 'outcome', label: t('audit.filter.outcome'), render: (e) => t(`audit.outcome.${e.outcome}`) },
      { key: 'reason', label: t('audit.reason') },
      { key: 'details', label: t('audit.details'), render: (e) => <code class="details">{summary(e.details)}</code> },
    ]} />
  );
}

/** A person's or a workspace's events in time order. */
function Timeline() {
  const { t } = useI18n();
  const [kind, setKind] = useState('user');
  const [subject, setSubject] = useState('');
  const [events, setEvents] = useState(null);
  const [run, busy, error] = useAction();
  const submit = (event) => {
    event.preventDefault();
    run(async () => {
      const page = await api.get(`/api/v1/audit/events${api.query({ [kind]: subject, newestFirst: false, pageSize: 1000 })}`);
      setEvents(page.events);
    });
  };
  return (
    <section class="panel" aria-labelledby="timeline-title">
      <h2 id="timeline-title">{t('audit.timeline')}</h2>
      <form class="filters" onSubmit={submit}>
        <Field id="timeline-kind" as="select" label={t('audit.timelineOf')} value={kind} onChange={(e) => setKind(e.currentTarget.value)}>
          <option value="user">{t('audit.filter.user')}</option>
          <option value="workspace">{t('audit.filter.workspace')}</option>
        </Field>
        <Field id="timeline-subject" label={t('audit.timelineSubject')} value={subject} required onInput={(e) => setSubject(e.currentTarget.value)} />
        <button type="submit" id="timeline-submit" disabled={busy}>{t('audit.timelineShow')}</button>
      </form>
      <ErrorMessage error={error} />
      {events && (
        <ol class="timeline" id="timeline">
          {events.map((e) => (
            <li key={e.sequence}>
              <time datetime={e.time}>{e.time}</time> <strong>{e.action}</strong> {e.userId} → {e.objectType}:{e.objectId}
              {' '}<span class={`outcome-${e.outcome.toLowerCase()}`}>{t(`audit.outcome.${e.outcome}`)}</span>
              {e.reason ? ` — ${e.reason}` : ''}
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}

function Verify() {
  const { t } = useI18n();
  const [result, setResult] = useState(null);
  const [run, busy, error] = useAction();
  return (
    <section class="panel" aria-labelledby="verify-title">
      <h2 id="verify-title">{t('audit.verify')}</h2>
      <button type="button" id="audit-verify" disabled={busy} onClick={() => run(async () => setResult(await api.get('/api/v1/audit/verify')))}>
        {t('audit.verifyRun')}
      </button>
      <ErrorMessage error={error} />
      {result && (
        <dl class="verify" id="verify-result" role="status">
          <dt>{t('audit.verifyResult')}</dt>
          <dd class={result.intact ? 'good' : 'bad'}>{result.intact ? t('audit.intact') : t('audit.broken', { sequence: result.firstBadSequence })}</dd>
          <dt>{t('audit.verifyEvents')}</dt><dd>{result.events}</dd>
          <dt>{t('audit.treeSize')}</dt><dd>{result.treeHead.treeSize}</dd>
          <dt>{t('audit.treeTime')}</dt><dd>{result.treeHead.time}</dd>
          <dt>{t('audit.rootHash')}</dt><dd><code>{result.treeHead.rootHash}</code></dd>
          <dt>{t('audit.signature')}</dt><dd><code class="details">{result.treeHead.signature}</code></dd>
          <dt>{t('audit.message')}</dt><dd>{result.message}</dd>
        </dl>
      )}
    </section>
  );
}

function Export() {
  const { t } = useI18n();
  const [link, setLink] = useState(null);
  const [run, busy, error] = useAction();
  const exportBundle = () => run(async () => {
    const response = await fetch('/api/v1/audit/exports', { method: 'POST', credentials: 'same-origin', headers: { 'X-CSRF-Token': api.csrfToken() } });
    if (!response.ok) throw new Error(`${response.status} ${response.statusText}`);
    const blob = await response.blob();
    const name = (/filename="([^"]+)"/.exec(response.headers.get('Content-Disposition') || '') || [])[1] || 'spe-audit.bundle';
    setLink({ url: URL.createObjectURL(blob), name, sha256: response.headers.get('X-Bundle-SHA256'), size: blob.size });
  });
  return (
    <section class="panel" aria-labelledby="export-title">
      <h2 id="export-title">{t('audit.export')}</h2>
      <p class="hint">{t('audit.exportHint')}</p>
      <button type="button" id="audit-export" disabled={busy} onClick={exportBundle}>{t('audit.exportRun')}</button>
      <ErrorMessage error={error} />
      {link && (
        <p id="export-result" role="status">
          <a href={link.url} download={link.name} id="export-download">{t('audit.exportSave', { name: link.name })}</a>
          {' '}({link.size} bytes, SHA-256 <code>{link.sha256}</code>)
        </p>
      )}
    </section>
  );
}

function Alerts() {
  const { t } = useI18n();
  const [alerts, error, reload] = useLoad(() => api.get('/api/v1/audit/alerts'), []);
  const [run, busy, runError] = useAction();
  const [notice, setNotice] = useState(null);
  const runRules = () => run(async () => {
    const raised = await api.post('/api/v1/audit/alerts/run');
    setNotice(t('audit.alertsRaised', { n: raised.length }));
    reload();
  });
  return (
    <section class="panel" aria-labelledby="alerts-title">
      <h2 id="alerts-title">{t('audit.alerts')}</h2>
      <button type="button" id="alerts-run" disabled={busy} onClick={runRules}>{t('audit.alertsRun')}</button>
      <Notice text={notice} />
      <ErrorMessage error={error || runError} />
      {!alerts ? <Loading /> : (
        <DataTable id="alert-table" caption={t('audit.alerts')} rows={alerts} columns={[
          { key: 'rule', label: t('audit.alertRule') },
          { key: 'subject', label: t('audit.alertSubject') },
          { key: 'eventCount', label: t('audit.verifyEvents') },
          { key: 'message', label: t('audit.message') },
          { key: 'raisedAt', label: t('audit.time') },
        ]} />
      )}
    </section>
  );
}
