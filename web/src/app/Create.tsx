/**
 * Create: the prompt box (autocomplete from the library), the model's settings, and the jobs queued from here,
 * each followed live. An error the API gives for a field shows next to that field.
 */
import { useEffect, useRef, useState, type FormEvent } from 'react';
import { forgetHandedOffPicture, handedOffPicture, MaskBrush, readFileAsDataUrl, type InitPicture } from './InitImage';
import { CreateOptionsDocument, GenerateDocument, ImportImageDocument, SuggestionsDocument, UploadImageDocument, type HiresUpscaler, type ImportImageMutation, type CreateOptionsQuery, type GenerateInput, type JobFieldsFragment } from '../generated/graphql';
import { ApiError, request } from './api';
import { JobCard } from './JobCard';

/** Width:height presets, applied to the model's native size (64 px steps, as the API wants multiples of 8). */
const ASPECTS: Array<[string, number, number]> = [['1:1', 1, 1], ['3:2', 3, 2], ['2:3', 2, 3], ['16:9', 16, 9], ['9:16', 9, 16]];
const MAX_SEED = 2 ** 32;
/** The form's fields by the names the API gives in an error's `field` (`steps`, or `input.steps`). */
const FIELDS = ['prompt', 'negativePrompt', 'model', 'sampler', 'steps', 'guidanceScale', 'width', 'height', 'seed', 'batchSize', 'variationSeed', 'variationStrength', 'loras', 'hires', 'initImageId', 'maskImageId', 'denoisingStrength'] as const;
type FieldName = (typeof FIELDS)[number];
const fieldOf = (error: ApiError) => error.field?.replace(/^input\./, '').replace(/[.[].*$/, '');

type Form = { prompt: string; negativePrompt: string; model: string; sampler: string; steps: number; guidanceScale: number; width: number; height: number; seed: string; seedLocked: boolean; batchSize: number; variationSeed: string; variationStrength: number };

export function Create() {
  const [options, setOptions] = useState<CreateOptionsQuery | null>(null);
  const [form, setForm] = useState<Form>({ prompt: '', negativePrompt: '', model: '', sampler: '', steps: 20, guidanceScale: 7, width: 512, height: 512, seed: '', seedLocked: false, batchSize: 1, variationSeed: '', variationStrength: 0 });
  const [jobs, setJobs] = useState<JobFieldsFragment[]>([]);
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);
  const [imported, setImported] = useState<ImportImageMutation['importImage'] | null>(null);
  const [loras, setLoras] = useState<Array<{ name: string; weight: number }>>([]);
  const [hires, setHires] = useState<{ on: boolean; scale: number; denoisingStrength: number; upscaler: HiresUpscaler; upscalerModel: string }>({ on: false, scale: 2, denoisingStrength: 0.7, upscaler: 'LATENT', upscalerModel: '' });
  const [init, setInit] = useState<InitPicture | null>(handedOffPicture);
  useEffect(forgetHandedOffPicture, []);
  const [strength, setStrength] = useState(0.75);
  const mask = useRef<(() => string) | null>(null);

  useEffect(() => {
    request(CreateOptionsDocument)
      .then((found) => {
        setOptions(found);
        const model = found.models.find((candidate) => candidate.isDefault) ?? found.models[0];
        if (model) applyModel(model.name, found);
      })
      .catch((failure: ApiError) => setError(failure));
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);

  const set = <K extends keyof Form>(key: K, value: Form[K]) => setForm((now) => ({ ...now, [key]: value }));
  function applyModel(name: string, found = options) {
    const model = found?.models.find((candidate) => candidate.name === name);
    if (!model) return;
    setForm((now) => ({ ...now, model: name, sampler: model.defaults.sampler, steps: model.defaults.steps, guidanceScale: model.defaults.guidanceScale, width: model.defaultSize, height: model.defaultSize }));
  }
  function applyAspect(w: number, h: number) {
    const size = options?.models.find((model) => model.name === form.model)?.defaultSize ?? 512;
    const scale = Math.sqrt((size * size) / (w * h));
    setForm((now) => ({ ...now, width: Math.max(64, Math.round((w * scale) / 64) * 64), height: Math.max(64, Math.round((h * scale) / 64) * 64) }));
  }

  /** A dropped or chosen picture: its parameters as the API reads them (PNG info: A1111, ComfyUI, InvokeAI...). */
  async function openPicture(file: File | undefined) {
    if (!file) return;
    setError(null);
    const dataUrl = await readFileAsDataUrl(file);
    request(ImportImageDocument, { dataUrl }).then(({ importImage }) => setImported(importImage), (failure: ApiError) => setError(failure));
  }
  function applyImported(found: ImportImageMutation['importImage']) {
    setForm((now) => ({
      ...now,
      prompt: found.prompt,
      negativePrompt: found.negativePrompt,
      ...(found.model && options?.models.some((model) => model.name === found.model) ? { model: found.model } : {}),
      ...(found.sampler ? { sampler: found.sampler } : {}),
      ...(found.steps ? { steps: found.steps } : {}),
      ...(found.guidanceScale !== null && found.guidanceScale !== undefined ? { guidanceScale: found.guidanceScale } : {}),
      ...(found.width ? { width: found.width } : {}),
      ...(found.height ? { height: found.height } : {}),
      ...(found.seed ? { seed: found.seed, seedLocked: true } : {}),
    }));
  }

  /** The picture img2img starts from, uploaded. */
  async function startFrom(file: File | undefined) {
    if (!file) return;
    setError(null);
    try {
      const { uploadImage } = await request(UploadImageDocument, { dataUrl: await readFileAsDataUrl(file) });
      setInit(uploadImage);
      setForm((now) => ({ ...now, width: uploadImage.width, height: uploadImage.height }));
    } catch (failure) {
      setError(failure as ApiError);
    }
  }

  async function submit(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    setError(null);
    // Parameters written in the prompt (--ar 16:9, --steps 30, --cfg 7, --seed 42) are the API's to read: the
    // form's own values for them are left out, or they would win.
    const written = new Set([...form.prompt.matchAll(/(?:^|\s)--([a-z]+)/g)].map((match) => match[1]));
    const fromForm = <T,>(flags: string[], value: T): T | undefined => (flags.some((flag) => written.has(flag)) ? undefined : value);
    const input: GenerateInput = {
      ...(loras.length ? { loras } : {}),
      ...(hires.on ? { hires: { scale: hires.scale, denoisingStrength: hires.denoisingStrength, upscaler: hires.upscaler, ...(hires.upscaler === 'MODEL' && hires.upscalerModel ? { upscalerModel: hires.upscalerModel } : {}) } } : {}),
      prompt: form.prompt,
      ...(form.negativePrompt ? { negativePrompt: form.negativePrompt } : {}),
      model: form.model || null,
      sampler: form.sampler || null,
      steps: fromForm(['steps'], form.steps),
      guidanceScale: fromForm(['cfg'], form.guidanceScale),
      width: fromForm(['ar', 'aspect'], form.width),
      height: fromForm(['ar', 'aspect'], form.height),
      batchSize: form.batchSize,
      ...(form.seed.trim() && !written.has('seed') ? { seed: form.seed.trim() } : {}),
      ...(form.variationStrength > 0 ? { variationStrength: form.variationStrength, ...(form.variationSeed.trim() ? { variationSeed: form.variationSeed.trim() } : {}) } : {}),
    };
    try {
      if (init) {
        input.initImageId = init.id;
        input.denoisingStrength = strength;
        const paintedMask = mask.current?.();
        if (paintedMask) input.maskImageId = (await request(UploadImageDocument, { dataUrl: paintedMask })).uploadImage.id;
      }
      const { generate } = await request(GenerateDocument, { input });
      setJobs((now) => [generate, ...now]);
      if (!form.seedLocked) set('seed', '');
    } catch (failure) {
      setError(failure instanceof ApiError ? failure : new ApiError(String(failure), undefined, undefined));
    } finally {
      setBusy(false);
    }
  }

  const fieldError = (name: FieldName) =>
    error && fieldOf(error) === name ? (
      <span className="field-error" role="alert" id={`${name}-error`}>
        {error.message}
      </span>
    ) : null;

  return (
    <section className="create">
      <form
        onSubmit={(event) => void submit(event)}
        aria-label="generate"
        onDragOver={(event) => event.preventDefault()}
        onDrop={(event) => {
          event.preventDefault();
          void openPicture(event.dataTransfer.files[0]);
        }}
      >
        <PromptBox value={form.prompt} onChange={(prompt) => set('prompt', prompt)} />
        {fieldError('prompt')}
        <label>
          Negative prompt
          <input name="negativePrompt" value={form.negativePrompt} onChange={(event) => set('negativePrompt', event.target.value)} />
          {fieldError('negativePrompt')}
        </label>
        <div className="settings">
          <label>
            Model
            <select name="model" value={form.model} onChange={(event) => applyModel(event.target.value)}>
              {options?.models.map((model) => (
                <option key={model.name} value={model.name} disabled={!model.usable}>
                  {model.name}
                </option>
              ))}
            </select>
            {fieldError('model')}
          </label>
          <label>
            Sampler
            <select name="sampler" value={form.sampler} onChange={(event) => set('sampler', event.target.value)}>
              {options?.samplers.map((sampler) => (
                <option key={sampler.name} value={sampler.name}>
                  {sampler.label}
                </option>
              ))}
            </select>
            {fieldError('sampler')}
          </label>
          <label>
            Steps
            <input name="steps" type="number" value={form.steps} onChange={(event) => set('steps', Number(event.target.value))} aria-describedby="steps-error" />
            {fieldError('steps')}
          </label>
          <label>
            Guidance
            <input name="guidanceScale" type="number" step={0.5} value={form.guidanceScale} onChange={(event) => set('guidanceScale', Number(event.target.value))} />
            {fieldError('guidanceScale')}
          </label>
          <label>
            Width
            <input name="width" type="number" step={8} value={form.width} onChange={(event) => set('width', Number(event.target.value))} />
            {fieldError('width')}
          </label>
          <label>
            Height
            <input name="height" type="number" step={8} value={form.height} onChange={(event) => set('height', Number(event.target.value))} />
            {fieldError('height')}
          </label>
          <div className="aspects" role="group" aria-label="aspect ratio">
            {ASPECTS.map(([name, w, h]) => (
              <button key={name} type="button" onClick={() => applyAspect(w, h)}>
                {name}
              </button>
            ))}
          </div>
          <label>
            Seed
            <span className="seed">
              <input name="seed" placeholder="random" value={form.seed} onChange={(event) => set('seed', event.target.value)} />
              <button type="button" aria-label="random seed" title="random seed" onClick={() => set('seed', String(Math.floor(Math.random() * MAX_SEED)))}>
                Random
              </button>
              <button type="button" aria-pressed={form.seedLocked} aria-label="keep this seed" title="keep this seed" onClick={() => set('seedLocked', !form.seedLocked)}>
                {form.seedLocked ? 'Locked' : 'Lock'}
              </button>
            </span>
            {fieldError('seed')}
          </label>
          <label>
            Variation {form.variationStrength}
            <input name="variationStrength" type="range" min={0} max={1} step={0.05} value={form.variationStrength} onChange={(event) => set('variationStrength', Number(event.target.value))} />
            {fieldError('variationStrength')}
          </label>
          <label>
            Variation seed
            <input name="variationSeed" placeholder="random" value={form.variationSeed} onChange={(event) => set('variationSeed', event.target.value)} />
            {fieldError('variationSeed')}
          </label>
          <label>
            Batch
            <input name="batchSize" type="number" min={1} value={form.batchSize} onChange={(event) => set('batchSize', Number(event.target.value))} />
            {fieldError('batchSize')}
          </label>
        </div>
        <fieldset className="extras">
          <legend>LoRAs</legend>
          {loras.map((lora, index) => (
            <div className="row" key={lora.name}>
              <span>{lora.name}</span>
              <input aria-label={`${lora.name} weight`} type="number" step={0.1} value={lora.weight} onChange={(event) => setLoras(loras.map((other, at) => (at === index ? { ...other, weight: Number(event.target.value) } : other)))} />
              <button type="button" aria-label={`remove ${lora.name}`} onClick={() => setLoras(loras.filter((_, at) => at !== index))}>
                ×
              </button>
            </div>
          ))}
          <select
            aria-label="add a LoRA"
            value=""
            onChange={(event) => {
              const name = event.target.value;
              if (name && !loras.some((lora) => lora.name === name)) setLoras([...loras, { name, weight: 1 }]);
            }}
          >
            <option value="">{options?.loras.length ? 'add a LoRA…' : 'no LoRAs installed'}</option>
            {options?.loras.map((lora) => (
              <option key={lora.name} value={lora.name}>
                {lora.name}
                {lora.triggerWords.length ? ` (${lora.triggerWords.join(', ')})` : ''}
              </option>
            ))}
          </select>
          {fieldError('loras')}
        </fieldset>
        <fieldset className="extras">
          <legend>
            <label className="inline">
              <input type="checkbox" name="hires" checked={hires.on} onChange={(event) => setHires({ ...hires, on: event.target.checked })} /> Hires fix
            </label>
          </legend>
          {hires.on && (
            <div className="settings">
              <label>
                Scale
                <input name="hiresScale" type="number" step={0.25} value={hires.scale} onChange={(event) => setHires({ ...hires, scale: Number(event.target.value) })} />
              </label>
              <label>
                Denoising
                <input name="hiresDenoising" type="number" step={0.05} value={hires.denoisingStrength} onChange={(event) => setHires({ ...hires, denoisingStrength: Number(event.target.value) })} />
              </label>
              <label>
                Upscaler
                <select name="hiresUpscaler" value={hires.upscaler} onChange={(event) => setHires({ ...hires, upscaler: event.target.value as HiresUpscaler })}>
                  {(['LATENT', 'LATENT_BICUBIC_ANTIALIASED', 'LANCZOS', 'MODEL'] as const).map((name) => (
                    <option key={name} value={name}>
                      {name.toLowerCase().replace(/_/g, ' ')}
                    </option>
                  ))}
                </select>
              </label>
              {hires.upscaler === 'MODEL' && (
                <label>
                  Model
                  <select name="hiresUpscalerModel" value={hires.upscalerModel} onChange={(event) => setHires({ ...hires, upscalerModel: event.target.value })}>
                    <option value="">choose…</option>
                    {options?.upscalers.map((upscaler) => (
                      <option key={upscaler.name} value={upscaler.name}>
                        {upscaler.name} (x{upscaler.scale})
                      </option>
                    ))}
                  </select>
                </label>
              )}
            </div>
          )}
          {fieldError('hires')}
        </fieldset>
        <fieldset className="extras">
          <legend>Start from a picture</legend>
          <input name="initImage" type="file" accept="image/*" aria-label="start from a picture" onChange={(event) => void startFrom(event.target.files?.[0])} />
          {init && (
            <>
              <MaskBrush picture={init} onMask={(getter) => (mask.current = getter)} />
              <label>
                Denoising strength {strength}
                <input name="denoisingStrength" type="range" min={0} max={1} step={0.05} value={strength} onChange={(event) => setStrength(Number(event.target.value))} />
              </label>
              <button
                type="button"
                onClick={() => {
                  setInit(null);
                  mask.current = null;
                }}
              >
                Text to image instead
              </button>
            </>
          )}
          {fieldError('initImageId')}
          {fieldError('maskImageId')}
          {fieldError('denoisingStrength')}
        </fieldset>
        {error && !FIELDS.includes(fieldOf(error) as FieldName) && (
          <p className="error" role="alert">
            {error.message}
          </p>
        )}
        <button type="submit" className="primary" disabled={busy}>
          Generate
        </button>
        <label className="drop">
          Open a picture's parameters (or drop it here)
          <input name="picture" type="file" accept="image/png,image/jpeg,image/webp" onChange={(event) => void openPicture(event.target.files?.[0])} />
        </label>
        {imported && (
          <div className="imported" aria-label="picture info">
            <p>
              <strong>{imported.format}</strong>: {imported.prompt || '(no prompt)'}
            </p>
            <p className="muted">
              {[imported.model, imported.sampler, imported.steps && `${imported.steps} steps`, imported.guidanceScale !== null && imported.guidanceScale !== undefined && `guidance ${imported.guidanceScale}`, imported.width && `${imported.width}×${imported.height}`, imported.seed && `seed ${imported.seed}`]
                .filter(Boolean)
                .join(' · ')}
            </p>
            <button type="button" onClick={() => applyImported(imported)}>
              Use these settings
            </button>
          </div>
        )}
      </form>
      <div className="jobs" aria-label="jobs">
        {jobs.map((job) => (
          <JobCard key={job.id} job={job} />
        ))}
      </div>
    </section>
  );
}

/** The prompt, with the library's suggestions for what is being typed (promptSuggestions). */
function PromptBox({ value, onChange }: { value: string; onChange: (value: string) => void }) {
  const [suggestions, setSuggestions] = useState<string[]>([]);
  const typed = useRef(false);
  useEffect(() => {
    if (!typed.current || value.trim().length < 2) return setSuggestions([]);
    const timer = setTimeout(() => {
      request(SuggestionsDocument, { prefix: value })
        .then(({ promptSuggestions }) => setSuggestions(promptSuggestions.map((prompt) => prompt.text).filter((text) => text !== value)))
        .catch(() => setSuggestions([]));
    }, 150);
    return () => clearTimeout(timer);
  }, [value]);
  return (
    <div className="prompt-box">
      <label>
        Prompt
        <textarea
          name="prompt"
          rows={3}
          value={value}
          aria-describedby="prompt-error"
          onChange={(event) => {
            typed.current = true;
            onChange(event.target.value);
          }}
        />
      </label>
      {suggestions.length > 0 && (
        <ul className="suggestions" aria-label="suggestions">
          {suggestions.map((text) => (
            <li key={text}>
              <button
                type="button"
                onClick={() => {
                  typed.current = false;
                  onChange(text);
                  setSuggestions([]);
                }}
              >
                {text}
              </button>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
