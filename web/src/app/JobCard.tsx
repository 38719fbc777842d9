/** One queued generation, followed live: queue position, a progress bar and the step preview, then its images. */
import { useEffect, useState } from 'react';
import { CancelGenerationDocument, GenerationEventsDocument, GenerationImagesDocument, type GalleryImageFragment, type JobFieldsFragment } from '../generated/graphql';
import { request, subscribe, type ApiError } from './api';
import { ImageTile } from './ImageTile';

interface Progress {
  status: string;
  position: number | null;
  step: number;
  totalSteps: number;
  preview: string | null;
  images: GalleryImageFragment[];
  error: string | null;
}

export function JobCard({ job }: { job: JobFieldsFragment }) {
  const [progress, setProgress] = useState<Progress>({ status: job.status, position: job.queuePosition ?? null, step: 0, totalSteps: 0, preview: null, images: [], error: null });
  useEffect(
    () =>
      subscribe(GenerationEventsDocument, { id: job.id }, {
        next: ({ generationEvents: event }) =>
          setProgress((now) => {
            switch (event.__typename) {
              case 'GenerationQueued':
                return { ...now, status: 'QUEUED', position: event.position };
              case 'GenerationStep':
                return { ...now, status: 'RUNNING', position: null, step: event.step, totalSteps: event.totalSteps, preview: event.preview ?? now.preview };
              case 'GenerationImage':
                return { ...now, images: [...now.images.filter((image) => image.id !== event.image.id), event.image] };
              case 'GenerationFailed':
                return { ...now, status: 'FAILED', error: event.message };
              default:
                return { ...now, status: event.type === 'STARTED' ? 'RUNNING' : event.type };
            }
          }),
        error: (error: ApiError) => setProgress((now) => ({ ...now, error: error.message })),
        // A subscriber that came late gets the state, not the past events: the images are read once it is done.
        complete: () =>
          void request(GenerationImagesDocument, { id: job.id }).then(({ generation }) =>
            setProgress((now) => (generation ? { ...now, status: generation.status, error: generation.error ?? now.error, images: generation.images } : now)),
          ),
      }),
    [job.id],
  );
  const finished = ['COMPLETED', 'FAILED', 'CANCELLED'].includes(progress.status);
  const percent = progress.totalSteps > 0 ? Math.round((100 * progress.step) / progress.totalSteps) : 0;
  return (
    <article className="job" data-status={progress.status} data-generation-id={job.id} aria-label={`generation ${job.prompt}`}>
      <header>
        <span className="job-prompt">{job.prompt}</span>
        <span className="job-status">
          {/* The API's position is 1-based already (1: the next to start). */}
          {progress.status === 'QUEUED' && progress.position !== null ? `queued, position ${progress.position}` : progress.status.toLowerCase()}
        </span>
        {!finished && (
          <button type="button" onClick={() => void request(CancelGenerationDocument, { id: job.id }).catch(() => undefined)}>
            Cancel
          </button>
        )}
      </header>
      {!finished && <progress max={100} value={percent} aria-label="progress">{percent}%</progress>}
      {progress.error && <p className="error" role="alert">{progress.error}</p>}
      <div className="job-pictures">
        {progress.images.length > 0
          ? progress.images.map((image) => <ImageTile key={image.id} image={image} onChange={(changed) => setProgress((now) => ({ ...now, images: now.images.map((other) => (other.id === changed.id ? changed : other)) }))} />)
          : progress.preview && <img className="preview" src={progress.preview} alt={`step ${progress.step} preview`} data-step={progress.step} width={job.width} height={job.height} />}
      </div>
    </article>
  );
}
