import { useRef, useState } from 'preact/hooks';
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

  const kernel = async () => {
    if (kernelId) return kernelId;
    const started = await api.post(`${base}/kernels`);
    setKernelId(started.id);
    return started.id;
  };

  const runCell = (cell) => run(async () => {
    setRunning(cell.key);
    update(cell.key, { status: 'RUNNING', outputs: [] });
    try {
      const id = await kernel();
      const result = await api.post(`${base}/kernels/${encodeURIComponent(id)}/execute`, { code: cell.source });
      update(cell.key, { outputs: result.outputs, status: result.status, count: result.executionCount ?? null });
    } catch (e) {
      update(cell.key, { status: 'ERROR' });
      throw e;
    } finally {
      setRunning(null);
    }
  });

  const interrupt = () => run(async () => {
    if (kernelId) await api.post(`${base}/kernels/${encodeURIComponent(kernelId)}/interrupt`);
  });

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
        <button type="button" id="kernel-interrupt" class="secondary" onClick={interrupt} disabled={!kernelId}>{t('notebook.interrupt')}</button>
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
    </section>
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
