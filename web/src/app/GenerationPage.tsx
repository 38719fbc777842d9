/** One generation's page: its pictures, every parameter, and what can be done with them. */
import { useEffect, useState } from 'react';
import { DeleteGenerationDocument, GenerationPageDocument, RemixDocument, SetFavoriteDocument, type GenerationPageQuery, type JobFieldsFragment } from '../generated/graphql';
import { request, type ApiError } from './api';
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
        <button type="button" onClick={() => void navigator.clipboard?.writeText(g.prompt)}>
          Copy prompt
        </button>
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
            <figcaption>
              <span>seed {image.seed}</span>
              <a href={image.url} download>
                Download
              </a>
              <button
                type="button"
                aria-pressed={image.favorite}
                onClick={() =>
                  void request(SetFavoriteDocument, { imageId: image.id, favorite: !image.favorite }).then(({ setFavorite }) =>
                    setGeneration({ ...g, images: g.images.map((other) => (other.id === image.id ? { ...other, favorite: setFavorite.favorite } : other)) }),
                  )
                }
              >
                {image.favorite ? '★ Favorite' : '☆ Favorite'}
              </button>
              <button type="button" onClick={() => void request(RemixDocument, { imageId: image.id }).then(({ remix }) => setRemixes((now) => [remix, ...now]), (failure: ApiError) => setError(failure.message))}>
                Remix
              </button>
            </figcaption>
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
