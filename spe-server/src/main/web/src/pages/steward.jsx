import { useState } from 'preact/hooks';
import * as api from '../api.js';
import { useI18n } from '../i18n.js';
import { DataTable, ErrorMessage, Field, Loading, Notice, Page, useAction, useLoad } from '../components.jsx';

/** Data stewards (and every role that may read it): the catalog with column classifications and the linkage rules. */
export function CatalogPage() {
  const { t } = useI18n();
  const [datasets, error] = useLoad(() => api.get('/api/v1/datasets'), []);
  const [rules] = useLoad(() => api.get('/api/v1/linkage-rules'), []);
  return (
    <Page title={t('catalog.title')} id="catalog">
      <ErrorMessage error={error} />
      {!datasets ? <Loading /> : datasets.map((d) => (
        <section class="panel" key={d.id} aria-labelledby={`dataset-${d.id}`}>
          <h2 id={`dataset-${d.id}`}>{`${d.title} (${d.id})`}</h2>
          <p>{t('catalog.source')}: {d.sourceName} ({d.source}) · {t('catalog.tier')}: {d.tier}</p>
          <DataTable id={`columns-${d.id}`} caption={t('catalog.columns', { id: d.id })} rows={d.columns} rowKey={(c) => c.name} columns={[
            { key: 'name', label: t('catalog.column') },
            { key: 'type', label: t('catalog.type') },
            { key: 'classification', label: t('catalog.classification'), render: (c) => <span class={`classification-${c.classification.toLowerCase()}`}>{c.classification}</span> },
            { key: 'description', label: t('catalog.description') },
            { key: 'anonymisation', label: t('catalog.anonymisation') },
          ]} />
        </section>
      ))}
      {rules && (
        <section class="panel" aria-labelledby="linkage-title">
          <h2 id="linkage-title">{t('catalog.linkage')}</h2>
          <ul id="linkage-rules">{rules.map((r) => <li key={r.join('-')}>{r.join(' × ')}</li>)}</ul>
        </section>
      )}
    </Page>
  );
}

/** Data stewards: the opt-out registry (stop-use requests): upload a list of common person IDs, see the count. */
export function OptOutsPage() {
  const { t } = useI18n();
  const [summary, error, reload] = useLoad(() => api.get('/api/v1/optouts'), []);
  const [ids, setIds] = useState('');
  const [notice, setNotice] = useState(null);
  const [run, busy, actionError] = useAction();
  const personIds = ids.split(/[\s,]+/).map((s) => s.trim()).filter(Boolean);
  const readFile = async (event) => {
    const file = event.currentTarget.files[0];
    if (file) setIds(await file.text());
  };
  const submit = (event) => {
    event.preventDefault();
    run(async () => {
      const result = await api.post('/api/v1/optouts', { personIds });
      setNotice(t('optouts.added', { n: result.added }));
      setIds('');
      reload();
    });
  };
  return (
    <Page title={t('optouts.title')} id="optouts">
      <ErrorMessage error={error} />
      {summary && <p id="optout-count" role="status">{t('optouts.count', { n: summary.registered })}</p>}
      <form class="inline-form" onSubmit={submit}>
        <Field id="optout-file" type="file" accept=".txt,.csv,text/plain,text/csv" label={t('optouts.file')} hint={t('optouts.fileHint')} onChange={readFile} />
        <Field id="optout-ids" as="textarea" rows={5} label={t('optouts.ids')} value={ids} onInput={(e) => setIds(e.currentTarget.value)} />
        <p>{t('optouts.toAdd', { n: personIds.length })}</p>
        <button type="submit" id="optout-submit" disabled={busy || personIds.length === 0}>{t('optouts.submit')}</button>
      </form>
      <Notice text={notice} />
      <ErrorMessage error={actionError} />
    </Page>
  );
}

/** Data stewards: record a permit issued by the review body. */
export function NewPermitForm({ onCreated }) {
  const { t } = useI18n();
  const [datasets] = useLoad(() => api.get('/api/v1/datasets'), []);
  const [form, setForm] = useState({ title: '', purpose: '', category: 'A_PUBLIC_HEALTH', level: 'ANONYMISED', pseudonymisationJustification: '',
    researchers: '', validFrom: '', validUntil: '', cores: '1', memoryGb: '2', cpuHours: '10', kAnonymity: '10' });
  const [chosen, setChosen] = useState({});
  const [link, setLink] = useState(true);
  const [notice, setNotice] = useState(null);
  const [run, busy, error] = useAction();
  const set = (name) => (e) => setForm({ ...form, [name]: e.currentTarget.value });
  const toggle = (dataset) => (e) => {
    const next = { ...chosen };
    if (e.currentTarget.checked) {
      next[dataset.id] = dataset.columns.filter((c) => c.classification !== 'DIRECT_IDENTIFIER').map((c) => c.name).join(', ');
    } else {
      delete next[dataset.id];
    }
    setChosen(next);
  };
  const submit = (event) => {
    event.preventDefault();
    run(async () => {
      const ids = Object.keys(chosen);
      const linkages = [];
      if (link) {
        for (let i = 1; i < ids.length; i++) linkages.push({ first: ids[0], second: ids[i] });
      }
      const permit = await api.post('/api/v1/permits', {
        title: form.title, purpose: form.purpose, category: form.category, level: form.level,
        pseudonymisationJustification: form.level === 'PSEUDONYMISED' ? form.pseudonymisationJustification : undefined,
        researchers: form.researchers.split(/[\s,]+/).filter(Boolean),
        datasets: ids.map((id) => ({ datasetId: id, columns: chosen[id].split(',').map((s) => s.trim()).filter(Boolean) })),
        linkages, validFrom: form.validFrom, validUntil: form.validUntil,
        quota: { cores: Number(form.cores), memoryGb: Number(form.memoryGb), gpus: 0, storageGb: 1, cpuHours: Number(form.cpuHours), gpuHours: 0 },
        sdcProfile: 'default', kAnonymity: Number(form.kAnonymity),
      });
      setNotice(t('permits.created', { id: permit.id }));
      onCreated();
    });
  };
  return (
    <form class="inline-form" onSubmit={submit} aria-labelledby="new-permit-title">
      <h2 id="new-permit-title">{t('permits.new')}</h2>
      <Field id="permit-title" label={t('permits.name')} value={form.title} required onInput={set('title')} />
      <Field id="permit-purpose" as="textarea" rows={2} label={t('permits.purpose')} value={form.purpose} required onInput={set('purpose')} />
      <Field id="permit-category" as="select" label={t('permits.category')} value={form.category} onChange={set('category')}>
        {['A_PUBLIC_HEALTH', 'B_QUALITY_AND_SAFETY', 'C_RESEARCH_AND_DEVELOPMENT'].map((c) => <option key={c} value={c}>{t(`category.${c}`)}</option>)}
      </Field>
      <Field id="permit-level" as="select" label={t('permits.level')} value={form.level} onChange={set('level')}>
        {['ANONYMISED', 'PSEUDONYMISED'].map((l) => <option key={l} value={l}>{t(`level.${l}`)}</option>)}
      </Field>
      {form.level === 'PSEUDONYMISED' && (
        <Field id="permit-justification" as="textarea" rows={2} label={t('permits.justification')} value={form.pseudonymisationJustification}
          required onInput={set('pseudonymisationJustification')} />
      )}
      <Field id="permit-researchers" label={t('permits.researchers')} hint={t('release.commaSeparated')} value={form.researchers} required onInput={set('researchers')} />
      <fieldset>
        <legend>{t('permits.datasets')}</legend>
        {!datasets ? <Loading /> : datasets.map((d) => (
          <div key={d.id}>
            <div class="field checkbox">
              <input type="checkbox" id={`permit-dataset-${d.id}`} checked={d.id in chosen} onChange={toggle(d)} />
              <label for={`permit-dataset-${d.id}`}>{`${d.title} (${d.id})`}</label>
            </div>
            {d.id in chosen && (
              <Field id={`permit-columns-${d.id}`} label={t('permits.columnsOf', { id: d.id })} value={chosen[d.id]}
                onInput={(e) => setChosen({ ...chosen, [d.id]: e.currentTarget.value })} />
            )}
          </div>
        ))}
        <div class="field checkbox">
          <input type="checkbox" id="permit-link" checked={link} onChange={(e) => setLink(e.currentTarget.checked)} />
          <label for="permit-link">{t('permits.link')}</label>
        </div>
      </fieldset>
      <Field id="permit-from" type="date" label={t('permits.validFrom')} value={form.validFrom} required onInput={set('validFrom')} />
      <Field id="permit-until" type="date" label={t('permits.validUntil')} value={form.validUntil} required onInput={set('validUntil')} />
      <Field id="permit-cores" type="number" min="1" label={t('permits.cores')} value={form.cores} onInput={set('cores')} />
      <Field id="permit-memory" type="number" min="1" label={t('permits.memory')} value={form.memoryGb} onInput={set('memoryGb')} />
      <Field id="permit-cpu-hours" type="number" min="0" label={t('permits.cpuHours')} value={form.cpuHours} onInput={set('cpuHours')} />
      <Field id="permit-k" type="number" min="2" label={t('permits.k')} value={form.kAnonymity} onInput={set('kAnonymity')} />
      <button type="submit" id="permit-submit" disabled={busy}>{t('permits.create')}</button>
      <Notice text={notice} />
      <ErrorMessage error={error} />
    </form>
  );
}
