/** One generation's page: its pictures, every parameter, and what can be done with them. */
import { useEffect, useState, type FormEvent } from 'react';
import {
  AddToCollectionDocument,
  CollectionsDocument,
  CreateCollectionDocument,
  DeleteGenerationDocument,
  GenerationPageDocument,
  RemixDocument,
  SetFavoriteDocument,
  TagImagesDocument,
  UntagImagesDocument,
  type CollectionsQuery,
  type GalleryImageFragment,
  type GenerationPageQuery,
  type JobFieldsFragment,
  type RemixInput,
} from '../generated/graphql';
import { request, type ApiError } from './api';
import { handOffInitPicture } from './InitImage';
import { JobCard } from './JobCard';

export function GenerationPage({ id }: { id: string }) {
  const [generation, setGeneration] = useState<GenerationPageQuery['generation'] | undefined>(undefined);
  const [error, setError] = useState<string | null>(null);
  const [remixes, setRemixes] = useState<JobFieldsFragment[]>([]);
  useEffect(() => {
    request(GenerationPageDocument, { id })
      .then((found) => setGeneration(found.generation))
      .catch((failure: ApiError) => setError(failure.message));
  }, [id]);
  if (error) return <p className="error" role="alert">{error}</p>;
  if (generation === undefined) return <p>Loading…</p>;
  if (generation === null) return <p role="alert">No such generation.</p>;
  const g = generation;
  const parameters: Array<[string, string]> = [
    ['Negative prompt', g.negativePrompt || '—'],
    ['Model', g.model],
    ['Sampler', g.sampler],
    ['Steps', String(g.steps)],
    ['Guidance', String(g.guidanceScale)],
    ['Size', `${g.width}×${g.height}`],
    ['Seed', g.seed],
    ['Batch', String(g.batchSize)],
    ['Created', new Date(g.createdAt).toLocaleString()],
  ];
  return (
    <section className="generation">
      <h2 className="generation-prompt">{g.prompt}</h2>
      <div className="actions">
        <CopyPrompt prompt={g.prompt} />
        <button
          type="button"
          onClick={() => {
            if (!window.confirm('Delete this generation and its images?')) return;
            void request(DeleteGenerationDocument, { id: g.id }).then(() => (window.location.hash = '#/gallery'), (failure: ApiError) => setError(failure.message));
          }}
        >
          Delete
        </button>
      </div>
      <div className="pictures">
        {g.images.map((image) => (
          <figure key={image.id}>
            <img src={image.url} alt={g.prompt} width={image.width} height={image.height} />
            <ImageActions
              image={image}
              prompt={g.prompt}
              onChange={(changed) => setGeneration({ ...g, images: g.images.map((other) => (other.id === changed.id ? changed : other)) })}
              onRemix={(job) => setRemixes((now) => [job, ...now])}
              onError={setError}
            />
          </figure>
        ))}
      </div>
      <dl className="parameters">
        {parameters.map(([name, value]) => (
          <div key={name}>
            <dt>{name}</dt>
            <dd>{value}</dd>
          </div>
        ))}
      </dl>
      <div className="jobs">
        {remixes.map((job) => (
          <JobCard key={job.id} job={job} />
        ))}
      </div>
    </section>
  );
}

/** Copies the prompt, and says so (or why it could not: the clipboard needs a secure page and the user's leave). */
function CopyPrompt({ prompt }: { prompt: string }) {
  const [said, setSaid] = useState<{ text: string; failed: boolean } | null>(null);
  useEffect(() => {
    if (!said) return;
    const timer = setTimeout(() => setSaid(null), 2000);
    return () => clearTimeout(timer);
  }, [said]);
  async function copy() {
    try {
      if (!navigator.clipboard) throw new Error('no clipboard here');
      await navigator.clipboard.writeText(prompt);
      setSaid({ text: 'Copied', failed: false });
    } catch (failure) {
      setSaid({ text: `Could not copy: ${failure instanceof Error ? failure.message : String(failure)}`, failed: true });
    }
  }
  return (
    <>
      <button type="button" onClick={() => void copy()}>
        Copy prompt
      </button>
      <span className={said?.failed ? 'error' : 'muted'} role="status">
        {said?.text}
      </span>
    </>
  );
}

/** What can be done with one picture: download, favorite, tags, a collection, similar images, remix (with overrides). */
function ImageActions({ image, prompt, onChange, onRemix, onError }: {
  image: GalleryImageFragment;
  prompt: string;
  onChange: (image: GalleryImageFragment) => void;
  onRemix: (job: JobFieldsFragment) => void;
  onError: (message: string) => void;
}) {
  const [tag, setTag] = useState('');
  const [collections, setCollections] = useState<CollectionsQuery['collections']['edges']>([]);
  const [collection, setCollection] = useState('');
  const [overrides, setOverrides] = useState({ prompt, seed: '', steps: '' });
  const [added, setAdded] = useState<string | null>(null);
  useEffect(() => void request(CollectionsDocument).then(({ collections: found }) => setCollections(found.edges), () => undefined), []);
  const fail = (failure: ApiError) => onError(failure.message);

  function addTag(event: FormEvent) {
    event.preventDefault();
    if (!tag.trim()) return;
    request(TagImagesDocument, { imageIds: [image.id], tags: [tag.trim()] }).then(({ tagImages: [tagged] }) => tagged && onChange({ ...image, tags: tagged.tags }), fail);
    setTag('');
  }
  async function addToCollection(event: FormEvent) {
    event.preventDefault();
    const name = collection.trim();
    if (!name) return;
    try {
      const existing = collections.find(({ node }) => node.name === name)?.node;
      const target = existing ?? (await request(CreateCollectionDocument, { name })).createCollection;
      const { addToCollection: updated } = await request(AddToCollectionDocument, { collectionId: target.id, imageIds: [image.id] });
      setAdded(`in ${updated.name} (${updated.imageCount})`);
      setCollection('');
    } catch (failure) {
      fail(failure as ApiError);
    }
  }
  function remix(event: FormEvent) {
    event.preventDefault();
    const input: RemixInput = {
      ...(overrides.prompt !== prompt ? { prompt: overrides.prompt } : {}),
      ...(overrides.seed.trim() ? { seed: overrides.seed.trim() } : {}),
      ...(overrides.steps ? { steps: Number(overrides.steps) } : {}),
    };
    request(RemixDocument, { imageId: image.id, overrides: input }).then(({ remix: job }) => onRemix(job), fail);
  }

  return (
    <figcaption>
      <div className="row">
        <span>seed {image.seed}</span>
        <a href={image.url} download={`atelier-${image.seed}.png`}>
          Download
        </a>
        <button
          type="button"
          aria-pressed={image.favorite}
          onClick={() => void request(SetFavoriteDocument, { imageId: image.id, favorite: !image.favorite }).then(({ setFavorite }) => onChange({ ...image, favorite: setFavorite.favorite }), fail)}
        >
          {image.favorite ? '★ Favorite' : '☆ Favorite'}
        </button>
        <a href={`#/similar/${encodeURIComponent(image.id)}`}>Similar images</a>
        <button
          type="button"
          onClick={() => {
            handOffInitPicture({ id: image.id, url: image.url, width: image.width, height: image.height });
            window.location.hash = '#/';
          }}
        >
          Start from this picture
        </button>
      </div>
      <ul className="tags" aria-label="tags">
        {image.tags.map((name) => (
          <li key={name}>
            {name}
            <button
              type="button"
              aria-label={`remove tag ${name}`}
              onClick={() => void request(UntagImagesDocument, { imageIds: [image.id], tags: [name] }).then(({ untagImages: [untagged] }) => untagged && onChange({ ...image, tags: untagged.tags }), fail)}
            >
              ×
            </button>
          </li>
        ))}
      </ul>
      <form className="row" onSubmit={addTag}>
        <input aria-label="new tag" placeholder="add a tag" value={tag} onChange={(event) => setTag(event.target.value)} />
        <button type="submit">Tag</button>
      </form>
      <form className="row" onSubmit={(event) => void addToCollection(event)}>
        <input aria-label="collection name" list={`collections-${image.id}`} placeholder="collection (new or existing)" value={collection} onChange={(event) => setCollection(event.target.value)} />
        <datalist id={`collections-${image.id}`}>
          {collections.map(({ node }) => (
            <option key={node.id} value={node.name} />
          ))}
        </datalist>
        <button type="submit">Add to collection</button>
        {added && <span className="muted">{added}</span>}
      </form>
      <form className="remix" onSubmit={remix} aria-label="remix">
        <input aria-label="remix prompt" value={overrides.prompt} onChange={(event) => setOverrides({ ...overrides, prompt: event.target.value })} />
        <input aria-label="remix seed" placeholder="same seed" value={overrides.seed} onChange={(event) => setOverrides({ ...overrides, seed: event.target.value })} />
        <input aria-label="remix steps" type="number" placeholder="same steps" value={overrides.steps} onChange={(event) => setOverrides({ ...overrides, steps: event.target.value })} />
        <button type="submit">Remix</button>
      </form>
    </figcaption>
  );
}
