import { useState } from 'preact/hooks';
import * as api from '../api.js';
import { useI18n } from '../i18n.js';
import { DataTable, ErrorMessage, Field, Link, Loading, Page, StateBadge, useAction, useLoad } from '../components.jsx';

const AGGREGATIONS = ['COUNT', 'SUM', 'MEAN', 'MEDIAN', 'STD', 'MIN', 'MAX'];
const DECISIONS = ['APPROVE', 'REQUEST_CHANGES', 'REJECT'];

function parseReport(text) {
  if (!text) return null;
  if (typeof text === 'object') return text;
  try {
    return JSON.parse(text);
  } catch (e) {
    return null;
  }
}

/** Researchers: my release requests and their state. */
export function MyReleasesPage() {
  const { t } = useI18n();
  const [releases, error] = useLoad(() => api.get('/api/v1/releases'), []);
  return (
    <Page title={t('release.mine')} id="releases">
      <ErrorMessage error={error} />
      {!releases ? <Loading /> : <ReleaseTable releases={releases} base="/console/releases/" id="release-table" />}
    </Page>
  );
}

/** Output checkers: the queue (the platform never lists a checker's own requests). */
export function ReviewQueuePage() {
  const { t } = useI18n();
  const [queue, error, reload] = useLoad(() => api.get('/api/v1/releases/queue'), []);
  return (
    <Page title={t('review.queue')} id="reviews">
      <p class="hint">{t('review.queueHint')}</p>
      <button type="button" id="queue-refresh" onClick={reload}>{t('common.refresh')}</button>
      <ErrorMessage error={error} />
      {!queue ? <Loading /> : <ReleaseTable releases={queue} base="/console/reviews/" id="queue-table" />}
    </Page>
  );
}

function ReleaseTable({ releases, base, id }) {
  const { t } = useI18n();
  return (
    <DataTable id={id} caption={t('release.caption')} rows={releases} rowKey={(r) => r.id} columns={[
      { key: 'title', label: t('release.requestTitle'), render: (r) => <Link href={base + encodeURIComponent(r.id)}>{r.title}</Link> },
      { key: 'id', label: t('release.id') },
      { key: 'authorId', label: t('release.author') },
      { key: 'permitId', label: t('permits.id') },
      { key: 'files', label: t('release.files'), render: (r) => r.files.length },
      { key: 'state', label: t('release.state'), render: (r) => <StateBadge state={r.state} /> },
      { key: 'updatedAt', label: t('release.updated') },
    ]} />
  );
}

/** One request: the author edits, justifies, submits and downloads; checkers review each file. */
export function ReleasePage({ id, checker }) {
  const { t } = useI18n();
  const [release, error, reload] = useLoad(() => api.get(`/api/v1/releases/${encodeURIComponent(id)}`), [id]);
  const [run, busy, actionError] = useAction();
  if (error) return <Page title={t('release.title')} id="release"><ErrorMessage error={error} /></Page>;
  if (!release) return <Loading />;
  const base = `/api/v1/releases/${encodeURIComponent(release.id)}`;
  const act = (path, body) => run(async () => {
    await api.post(base + path, body);
    reload();
  });
  const removeFile = (file) => run(async () => {
    await api.del(`${base}/files/${encodeURIComponent(file.id)}`);
    reload();
  });
  const author = !checker;
  const editable = author && (release.state === 'DRAFT' || release.state === 'RETURNED');
  return (
    <Page title={t('release.titleNamed', { title: release.title })} id="release">
      <p id="release-state">{t('release.state')}: <StateBadge state={release.state} /> · {t('release.author')}: {release.authorId} · {t('permits.id')}: {release.permitId}</p>
      <ErrorMessage error={actionError} />
      {checker && release.state === 'SUBMITTED' && (
        <button type="button" id="review-start" disabled={busy} onClick={() => act('/reviews/start')}>{t('review.start')}</button>
      )}
      {release.files.length === 0 && <p>{t('release.noFiles')}</p>}
      {release.files.map((file) => (
        <FileCard key={file.id} file={file} release={release} checker={checker} editable={editable} busy={busy} act={act} remove={removeFile} />
      ))}
      {editable && <AddFile release={release} onAdded={reload} />}
      {editable && (
        <div class="actions">
          <button type="button" id="release-submit" disabled={busy || release.files.length === 0} onClick={() => act('/submit')}>{t('release.submit')}</button>
          <button type="button" id="release-withdraw" class="secondary" disabled={busy} onClick={() => act('/withdraw')}>{t('release.withdraw')}</button>
        </div>
      )}
      {author && release.state === 'RELEASED' && (
        <p><a id="release-download" href={`${base}/package`} download={`${release.id}.zip`}>{t('release.download')}</a></p>
      )}
      <h2>{t('release.comments')}</h2>
      <DataTable id="release-comments" caption={t('release.comments')} rows={release.comments} columns={[
        { key: 'fileId', label: t('release.file'), render: (c) => (release.files.find((f) => f.id === c.fileId) || {}).path || c.fileId },
        { key: 'authorId', label: t('release.commenter') },
        { key: 'visibility', label: t('review.visibility'), render: (c) => t(`review.visibility.${c.visibility}`) },
        { key: 'text', label: t('release.comment') },
      ]} />
      {checker && (
        <>
          <h2>{t('review.decisions')}</h2>
          <DataTable id="release-reviews" caption={t('review.decisions')} rows={release.reviews} columns={[
            { key: 'fileId', label: t('release.file'), render: (r) => (release.files.find((f) => f.id === r.fileId) || {}).path || r.fileId },
            { key: 'reviewerId', label: t('review.reviewer') },
            { key: 'decision', label: t('review.decision'), render: (r) => t(`review.decision.${r.decision}`) },
          ]} />
        </>
      )}
    </Page>
  );
}

function FileCard({ file, release, checker, editable, busy, act, remove }) {
  const { t } = useI18n();
  const [justification, setJustification] = useState(file.justification || '');
  const report = parseReport(file.sdcReport);
  const fileBase = `/files/${encodeURIComponent(file.id)}`;
  return (
    <section class="panel file-card" aria-labelledby={`file-${file.id}-title`} id={`file-${file.id}`}>
      <h2 id={`file-${file.id}-title`}>{file.path}</h2>
      <p>{file.description}</p>
      <p>{t('sdc.result')}: <StateBadge state={file.sdcStatus} /> · {t('files.bytes')}: {file.bytes} · {t(`release.kind.${file.kind}`)}</p>
      <SdcReport report={report} fileId={file.id} />
      {file.justification && <p class="justification"><strong>{t('release.justification')}:</strong> {file.justification}</p>}
      {editable && file.sdcStatus !== 'PASS' && (
        <form onSubmit={(e) => { e.preventDefault(); act(`${fileBase}/justification`, { text: justification }); }}>
          <Field id={`justify-${file.id}`} as="textarea" rows={2} label={t('release.justificationFor', { path: file.path })} value={justification}
            onInput={(e) => setJustification(e.currentTarget.value)} />
          <button type="submit" id={`justify-${file.id}-save`} disabled={busy}>{t('release.justify')}</button>
        </form>
      )}
      {editable && (
        <button type="button" class="secondary" disabled={busy} id={`remove-${file.id}`} onClick={() => remove(file)}>{t('release.removeFile')}</button>
      )}
      {checker && release.state === 'IN_REVIEW' && <DecisionForm file={file} act={act} busy={busy} />}
    </section>
  );
}

/** The SDC report: every cell, failing ones highlighted with the rule and the numbers behind each flag. */
function SdcReport({ report, fileId }) {
  const { t } = useI18n();
  if (!report) return null;
  const cells = report.cells || [];
  const problems = report.breaches || report.problems || report.findings || [];
  return (
    <div class="sdc-report">
      {cells.length > 0 && (
        <div class="table-wrap">
          <table id={`sdc-${fileId}`}>
            <caption>{t('sdc.cells')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('sdc.row')}</th><th scope="col">{t('sdc.column')}</th><th scope="col">{t('sdc.value')}</th>
                <th scope="col">{t('sdc.persons')}</th><th scope="col">{t('sdc.status')}</th><th scope="col">{t('sdc.rules')}</th>
              </tr>
            </thead>
            <tbody>
              {cells.map((cell, i) => (
                <tr key={i} class={`sdc-cell sdc-${String(cell.status).toLowerCase()}`}>
                  <th scope="row">{(cell.row || []).join(' / ')}</th>
                  <td>{(cell.column || []).join(' / ')}</td>
                  <td>{cell.value === undefined || cell.value === null ? '—' : String(cell.value)}</td>
                  <td>{cell.persons === undefined ? '—' : String(cell.persons)}</td>
                  <td><StateBadge state={cell.status} /></td>
                  <td>
                    {(cell.ruleDetails && cell.ruleDetails.length > 0)
                      ? <ul class="rules">{cell.ruleDetails.map((r, j) => <li key={j}><strong>{r.rule}</strong> ({t(`state.${r.status}`)}): {r.detail}</li>)}</ul>
                      : (cell.rules || []).join(', ')}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {Array.isArray(problems) && problems.length > 0 && (
        <ul class="rules" id={`sdc-${fileId}-findings`}>
          {problems.map((p, i) => <li key={i}>{typeof p === 'string' ? p : [p.rule, p.status, p.detail || p.message].filter(Boolean).join(' — ')}</li>)}
        </ul>
      )}
      {report.reason && <p>{report.reason}</p>}
      {report.reasons && <ul class="rules">{[].concat(report.reasons).map((r, i) => <li key={i}>{typeof r === 'string' ? r : JSON.stringify(r)}</li>)}</ul>}
    </div>
  );
}

function DecisionForm({ file, act, busy }) {
  const { t } = useI18n();
  const [decision, setDecision] = useState('APPROVE');
  const [comment, setComment] = useState('');
  const [visibility, setVisibility] = useState('RESEARCHER');
  const submit = (event) => {
    event.preventDefault();
    act('/reviews', { fileId: file.id, decision, comment: comment || undefined, visibility });
  };
  return (
    <form class="decision" onSubmit={submit} aria-label={t('review.decideOn', { path: file.path })}>
      <Field id={`decision-${file.id}`} as="select" label={t('review.decision')} value={decision} onChange={(e) => setDecision(e.currentTarget.value)}>
        {DECISIONS.map((d) => <option key={d} value={d}>{t(`review.decision.${d}`)}</option>)}
      </Field>
      <Field id={`comment-${file.id}`} as="textarea" rows={2} label={t('release.comment')} value={comment} onInput={(e) => setComment(e.currentTarget.value)} />
      <Field id={`visibility-${file.id}`} as="select" label={t('review.visibility')} value={visibility} onChange={(e) => setVisibility(e.currentTarget.value)}>
        <option value="RESEARCHER">{t('review.visibility.RESEARCHER')}</option>
        <option value="CHECKERS">{t('review.visibility.CHECKERS')}</option>
      </Field>
      <button type="submit" id={`decide-${file.id}`} disabled={busy}>{t('review.decide')}</button>
    </form>
  );
}

function AddFile({ release, onAdded }) {
  const { t } = useI18n();
  const [files] = useLoad(() => api.get(`/api/v1/workspaces/${encodeURIComponent(release.workspaceId)}/files`), [release.workspaceId]);
  const [path, setPath] = useState('');
  const [description, setDescription] = useState('');
  const [table, setTable] = useState(false);
  const [rows, setRows] = useState('');
  const [columns, setColumns] = useState('');
  const [aggregation, setAggregation] = useState('COUNT');
  const [value, setValue] = useState('');
  const [personId, setPersonId] = useState('person_id');
  const [run, busy, error] = useAction();
  const list = (text) => text.split(',').map((s) => s.trim()).filter(Boolean);
  const chosen = path || (files && files.length ? files[0].path : '');
  const submit = (event) => {
    event.preventDefault();
    run(async () => {
      const body = { path: chosen, description };
      if (table) {
        body.table = { rows: list(rows), columns: list(columns), aggregation, value: value || undefined, personId: personId || undefined };
      }
      await api.post(`/api/v1/releases/${encodeURIComponent(release.id)}/files`, body);
      setDescription('');
      onAdded();
    });
  };
  return (
    <form class="panel inline-form" onSubmit={submit} aria-labelledby="add-file-title">
      <h2 id="add-file-title">{t('release.addFile')}</h2>
      {!files ? <Loading /> : (
        <Field id="add-file-path" as="select" label={t('files.path')} value={chosen} onChange={(e) => setPath(e.currentTarget.value)}>
          {files.map((f) => <option key={f.path} value={f.path}>{f.path}</option>)}
        </Field>
      )}
      <Field id="add-file-description" as="textarea" rows={2} label={t('release.description')} value={description} required
        onInput={(e) => setDescription(e.currentTarget.value)} />
      <div class="field checkbox">
        <input type="checkbox" id="add-file-table" checked={table} onChange={(e) => setTable(e.currentTarget.checked)} />
        <label for="add-file-table">{t('release.tableSpec')}</label>
      </div>
      {table && (
        <fieldset>
          <legend>{t('release.tableSpecLegend')}</legend>
          <Field id="add-file-rows" label={t('release.tableRows')} hint={t('release.commaSeparated')} value={rows} onInput={(e) => setRows(e.currentTarget.value)} />
          <Field id="add-file-columns" label={t('release.tableColumns')} hint={t('release.commaSeparated')} value={columns} onInput={(e) => setColumns(e.currentTarget.value)} />
          <Field id="add-file-aggregation" as="select" label={t('release.tableAggregation')} value={aggregation} onChange={(e) => setAggregation(e.currentTarget.value)}>
            {AGGREGATIONS.map((a) => <option key={a} value={a}>{a}</option>)}
          </Field>
          <Field id="add-file-value" label={t('release.tableValue')} value={value} onInput={(e) => setValue(e.currentTarget.value)} />
          <Field id="add-file-person" label={t('release.tablePerson')} value={personId} onInput={(e) => setPersonId(e.currentTarget.value)} />
        </fieldset>
      )}
      <button type="submit" id="add-file-submit" disabled={busy || !chosen}>{t('release.addFileSubmit')}</button>
      <ErrorMessage error={error} />
    </form>
  );
}
