import { useEffect, useRef, useState } from 'preact/hooks';
import * as api from '../api.js';
import { useI18n } from '../i18n.js';
import { DataTable, ErrorMessage, Field, Link, Loading, Notice, Page, StateBadge, navigate, useAction, useLoad } from '../components.jsx';
import { Output } from './outputs.jsx';

/**
 * A researcher's workspace: notebook cells run in the workspace's kernel, SQL over its views, the
 * files in outputs/ (names and sizes only) and the start of a release request. Copying out of the
 * page and downloading are not offered: the only way out is a release.
 */
export function WorkspacePage({ id }) {
  const { t } = useI18n();
  const [workspace, error] = useLoad(() => api.get(`/api/v1/workspaces/${encodeURIComponent(id)}`), [id]);
  const [blocked, setBlocked] = useState(false);
  const block = (event) => {
    event.preventDefault();
    setBlocked(true);
  };
  if (error) return <Page title={t('workspace.title')} id="workspace"><ErrorMessage error={error} /></Page>;
  if (!workspace) return <Loading />;
  return (
    <Page title={t('workspace.titleNamed', { name: workspace.name })} id="workspace">
      <div class="workspace" onCopy={block} onCut={block} onDragStart={block} onContextMenu={block}>
        <p>
          {t('permits.id')}: {workspace.permitId} · {t('workspaces.state')}: <StateBadge state={workspace.state} />
        </p>
        <p class="hint" id="no-copy-out">{t('workspace.noCopyOut')}</p>
        {workspace.state === 'READY' && <p><Link href={`/console/workspaces/${encodeURIComponent(workspace.id)}/desktop`} id="open-desktop">{t('desktop.open')}</Link></p>}
        {blocked && <Notice text={t('workspace.copyBlocked')} />}
        <Notebook workspaceId={workspace.id} />
        <SqlEditor workspaceId={workspace.id} />
        <OutputFiles workspaceId={workspace.id} />
        <NewRelease workspaceId={workspace.id} />
      </div>
    </Page>
  );
}

function Notebook({ workspaceId }) {
  const { t } = useI18n();
  const [cells, setCells] = useState([{ key: 1, source: '', outputs: [], status: null, count: null }]);
  const [kernelId, setKernelId] = useState(null);
  const [running, setRunning] = useState(null);
  const [path, setPath] = useState('analysis.ipynb');
  const [notice, setNotice] = useState(null);
  const [run, busy, error] = useAction();
  const nextKey = useRef(2);
  const base = `/api/v1/workspaces/${encodeURIComponent(workspaceId)}`;

  const update = (key, change) => setCells((all) => all.map((c) => (c.key === key ? { ...c, ...change } : c)));

  // One WebSocket to the kernel (same origin, session cookie, CSRF token in the query): outputs
  // arrive as the kernel produces them; executes on one socket run one after another.
  const socket = useRef(null);
  const pending = useRef(new Map());
  useEffect(() => () => socket.current && socket.current.close(), []);

  const kernel = async () => {
    if (kernelId) return kernelId;
    const started = await api.post(`${base}/kernels`);
    setKernelId(started.id);
    return started.id;
  };

  const channel = async () => {
    if (socket.current && socket.current.readyState === WebSocket.OPEN) return socket.current;
    const id = await kernel();
    const scheme = window.location.protocol === 'https:' ? 'wss' : 'ws';
    const url = `${scheme}://${window.location.host}${base}/kernels/${encodeURIComponent(id)}/channels${api.query({ csrf: api.csrfToken() })}`;
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(url);
      ws.onmessage = (event) => {
        const message = JSON.parse(event.data);
        if (message.type === 'ready') {
          socket.current = ws;
          resolve(ws);
          return;
        }
        const cellKey = message.cellId ? Number(message.cellId) : null;
        if (message.type === 'output' && cellKey !== null) {
          setCells((all) => all.map((c) => (c.key === cellKey ? { ...c, outputs: [...c.outputs, message.output] } : c)));
        } else if (message.type === 'execute_reply' && cellKey !== null) {
          update(cellKey, { status: message.status, count: message.executionCount ?? null, detail: message.detail || null });
          const done = pending.current.get(cellKey);
          if (done) done();
        } else if (message.type === 'error' && cellKey !== null) {
          update(cellKey, { status: 'ERROR', detail: message.detail });
          const done = pending.current.get(cellKey);
          if (done) done();
        } else if (message.type === 'closed') {
          setNotice(message.detail);
        }
      };
      ws.onerror = () => reject(new Error(t('notebook.socketFailed')));
      ws.onclose = () => {
        if (socket.current === ws) socket.current = null;
        pending.current.forEach((done) => done());
        pending.current.clear();
      };
    });
  };

  const runCell = (cell) => run(async () => {
    setRunning(cell.key);
    update(cell.key, { status: 'RUNNING', outputs: [], detail: null });
    try {
      const ws = await channel();
      await new Promise((resolve) => {
        pending.current.set(cell.key, resolve);
        ws.send(JSON.stringify({ type: 'execute', code: cell.source, cellId: String(cell.key) }));
      });
    } catch (e) {
      update(cell.key, { status: 'ERROR' });
      throw e;
    } finally {
      pending.current.delete(cell.key);
      setRunning(null);
    }
  });

  const interrupt = async () => {
    try {
      if (kernelId) await api.post(`${base}/kernels/${encodeURIComponent(kernelId)}/interrupt`);
    } catch (e) {
      setNotice(e.message);
    }
  };

  const addCell = () => {
    const key = nextKey.current++;
    setCells((all) => [...all, { key, source: '', outputs: [], status: null, count: null }]);
    window.setTimeout(() => document.getElementById(`cell-${key}`)?.focus(), 0);
  };

  const save = () => run(async () => {
    const notebook = {
      nbformat: 4, nbformat_minor: 5, metadata: { kernelspec: { name: 'python3', display_name: 'Python 3', language: 'python' } },
      cells: cells.map((c) => ({ cell_type: 'code', metadata: {}, source: c.source, outputs: [], execution_count: null })),
    };
    await api.put(`${base}/notebooks/content`, { path, notebook });
    setNotice(t('notebook.saved', { path }));
  });

  const open = () => run(async () => {
    const answer = await api.get(`${base}/notebooks/content${api.query({ path })}`);
    const loaded = (answer.notebook.cells || []).filter((c) => c.cell_type === 'code').map((c) => ({
      key: nextKey.current++, source: Array.isArray(c.source) ? c.source.join('') : c.source, outputs: [], status: null, count: null,
    }));
    setCells(loaded.length ? loaded : [{ key: nextKey.current++, source: '', outputs: [], status: null, count: null }]);
    setNotice(t('notebook.opened', { path }));
  });

  const onKeyDown = (cell) => (event) => {
    if (event.key === 'Enter' && (event.shiftKey || event.ctrlKey)) {
      event.preventDefault();
      runCell(cell);
    }
  };

  return (
    <section class="panel" aria-labelledby="notebook-title">
      <h2 id="notebook-title">{t('notebook.title')}</h2>
      <p class="hint">{t('notebook.hint')}</p>
      <div class="toolbar">
        <button type="button" id="cell-add" onClick={addCell}>{t('notebook.addCell')}</button>
        <button type="button" id="kernel-interrupt" class="secondary" onClick={interrupt} disabled={running === null}>{t('notebook.interrupt')}</button>
        <Field id="notebook-path" label={t('notebook.path')} value={path} onInput={(e) => setPath(e.currentTarget.value)} />
        <button type="button" id="notebook-save" class="secondary" onClick={save} disabled={busy}>{t('notebook.save')}</button>
        <button type="button" id="notebook-open" class="secondary" onClick={open} disabled={busy}>{t('notebook.open')}</button>
      </div>
      <Notice text={notice} />
      <ErrorMessage error={error} />
      <ol class="cells">
        {cells.map((cell, index) => (
          <li key={cell.key} class="cell">
            <label for={`cell-${cell.key}`}>{t('notebook.cell', { n: index + 1 })}{cell.count ? ` [${cell.count}]` : ''}</label>
            <textarea id={`cell-${cell.key}`} class="code" rows={Math.max(3, cell.source.split('\n').length)} spellcheck={false}
              value={cell.source} onInput={(e) => update(cell.key, { source: e.currentTarget.value })} onKeyDown={onKeyDown(cell)} />
            <div class="actions">
              <button type="button" id={`cell-${cell.key}-run`} onClick={() => runCell(cell)} disabled={running !== null}>{t('notebook.run')}</button>
              {cell.status && <span class="cell-status" id={`cell-${cell.key}-status`} role="status">{t(`notebook.status.${cell.status}`)}</span>}
              {cell.detail && <span class="error">{cell.detail}</span>}
            </div>
            <div class="outputs" id={`cell-${cell.key}-outputs`} aria-live="polite">
              {cell.outputs.map((output, i) => <Output key={i} output={output} />)}
            </div>
          </li>
        ))}
      </ol>
    </section>
  );
}

function SqlEditor({ workspaceId }) {
  const { t } = useI18n();
  const [sql, setSql] = useState('');
  const [result, setResult] = useState(null);
  const [run, busy, error] = useAction();
  const submit = (event) => {
    event.preventDefault();
    run(async () => setResult(await api.post(`/api/v1/workspaces/${encodeURIComponent(workspaceId)}/sql`, { query: sql, maxRows: 1000 })));
  };
  const onKeyDown = (event) => {
    if (event.key === 'Enter' && (event.shiftKey || event.ctrlKey)) submit(event);
  };
  return (
    <section class="panel" aria-labelledby="sql-title">
      <h2 id="sql-title">{t('sql.title')}</h2>
      <form onSubmit={submit}>
        <Field id="sql-query" as="textarea" class="code" rows={4} label={t('sql.query')} hint={t('sql.hint')} value={sql} spellcheck={false}
          onInput={(e) => setSql(e.currentTarget.value)} onKeyDown={onKeyDown} />
        <button type="submit" id="sql-run" disabled={busy}>{t('sql.run')}</button>
      </form>
      <ErrorMessage error={error} />
      {busy && <Loading />}
      {result && (
        <>
          <p role="status" id="sql-summary">{t('sql.rows', { n: result.rows.length })}{result.truncated ? ` ${t('sql.truncated')}` : ''}</p>
          <DataTable id="sql-results" caption={t('sql.results')} rows={result.rows}
            columns={result.columns.map((c, i) => ({ key: String(i), label: `${c.name} (${c.type})`, render: (row) => formatCell(row[i]) }))} />
        </>
      )}
      <CheckedTable workspaceId={workspaceId} query={sql} />
    </section>
  );
}

const AGGREGATIONS = ['count', 'sum', 'mean', 'median', 'std', 'min', 'max'];

/** Makes a table from the query above with the platform's table function: every cell checked, the evidence kept by the platform. */
function CheckedTable({ workspaceId, query }) {
  const { t } = useI18n();
  const [spec, setSpec] = useState({ name: '', rows: '', columns: '', value: '', aggregation: 'count', personId: '' });
  const [result, setResult] = useState(null);
  const [run, busy, error] = useAction();
  const set = (key) => (event) => setSpec({ ...spec, [key]: event.currentTarget.value });
  const names = (text) => text.split(',').map((name) => name.trim()).filter((name) => name.length > 0);
  const submit = (event) => {
    event.preventDefault();
    const body = { query, name: spec.name, rows: names(spec.rows), columns: names(spec.columns), aggregation: spec.aggregation };
    if (spec.value.trim()) body.value = spec.value.trim();
    if (spec.personId.trim()) body.personId = spec.personId.trim();
    run(async () => setResult(await api.post(`/api/v1/workspaces/${encodeURIComponent(workspaceId)}/tables`, body)));
  };
  return (
    <form class="subpanel" onSubmit={submit} aria-labelledby="table-title">
      <h3 id="table-title">{t('table.title')}</h3>
      <p class="hint">{t('table.hint')}</p>
      <Field id="table-name" label={t('table.name')} value={spec.name} required onInput={set('name')} />
      <Field id="table-rows" label={t('table.rows')} hint={t('table.namesHint')} value={spec.rows} required onInput={set('rows')} />
      <Field id="table-columns" label={t('table.columns')} value={spec.columns} onInput={set('columns')} />
      <Field id="table-aggregation" as="select" label={t('table.aggregation')} value={spec.aggregation} onChange={set('aggregation')}>
        {AGGREGATIONS.map((a) => <option value={a} key={a}>{a}</option>)}
      </Field>
      <Field id="table-value" label={t('table.value')} value={spec.value} onInput={set('value')} />
      <Field id="table-person" label={t('table.personId')} value={spec.personId} onInput={set('personId')} />
      <button type="submit" id="table-make" disabled={busy || !query.trim()}>{t('table.make')}</button>
      <ErrorMessage error={error} />
      {busy && <Loading />}
      {result && (
        <>
          <p role="status" id="table-status">{t('table.made', { path: result.path, status: result.status })}</p>
          <DataTable id="table-cells" caption={t('table.cells')} rows={result.rows}
            columns={result.columns.map((c, i) => ({ key: String(i), label: c.name, render: (row) => formatCell(row[i]) }))} />
        </>
      )}
    </form>
  );
}

function formatCell(value) {
  return value === null || value === undefined ? '—' : String(value);
}

function OutputFiles({ workspaceId }) {
  const { t } = useI18n();
  const [files, error, reload] = useLoad(() => api.get(`/api/v1/workspaces/${encodeURIComponent(workspaceId)}/files`), [workspaceId]);
  return (
    <section class="panel" aria-labelledby="files-title">
      <h2 id="files-title">{t('files.title')}</h2>
      <p class="hint">{t('files.hint')}</p>
      <button type="button" id="files-refresh" onClick={reload}>{t('common.refresh')}</button>
      <ErrorMessage error={error} />
      {files && <DataTable id="output-files" caption={t('files.caption')} rows={files} rowKey={(f) => f.path} columns={[
        { key: 'path', label: t('files.path') },
        { key: 'bytes', label: t('files.bytes') },
      ]} />}
    </section>
  );
}

function NewRelease({ workspaceId }) {
  const { t } = useI18n();
  const [title, setTitle] = useState('');
  const [run, busy, error] = useAction();
  const submit = (event) => {
    event.preventDefault();
    run(async () => {
      const created = await api.post('/api/v1/releases', { workspaceId, title });
      navigate(`/console/releases/${encodeURIComponent(created.id)}`);
    });
  };
  return (
    <form class="panel inline-form" onSubmit={submit} aria-labelledby="new-release-title">
      <h2 id="new-release-title">{t('release.new')}</h2>
      <Field id="new-release-title-input" label={t('release.requestTitle')} value={title} required onInput={(e) => setTitle(e.currentTarget.value)} />
      <button type="submit" id="new-release-submit" disabled={busy}>{t('release.create')}</button>
      <ErrorMessage error={error} />
    </form>
  );
}
