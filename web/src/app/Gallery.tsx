/** The gallery: every image, newest first, as a grid with infinite scroll; the search box narrows it (Lexica-style). */
import { useCallback, useEffect, useRef, useState, type FormEvent } from 'react';
import { CollectionsDocument, CreateOptionsDocument, GalleryDocument, SimilarImagesDocument, type CollectionsQuery, type CreateOptionsQuery, type GalleryImageFragment, type LibrarySearchInput, type SearchMode } from '../generated/graphql';
import { request, type ApiError } from './api';
import { ImageTile } from './ImageTile';

const MODES: SearchMode[] = ['HYBRID', 'WORDS', 'FUZZY', 'SEMANTIC'];

/** The filters as typed (text), turned into the API's input by filterInput. */
type Filters = { model: string; sampler: string; width: string; height: string; tags: string; collectionId: string; createdAfter: string };
const NO_FILTERS: Filters = { model: '', sampler: '', width: '', height: '', tags: '', collectionId: '', createdAfter: '' };

function filterInput(filters: Filters): LibrarySearchInput {
  const tags = filters.tags.split(',').map((tag) => tag.trim()).filter(Boolean);
  return {
    ...(filters.model ? { model: filters.model } : {}),
    ...(filters.sampler ? { sampler: filters.sampler } : {}),
    ...(filters.width ? { width: Number(filters.width) } : {}),
    ...(filters.height ? { height: Number(filters.height) } : {}),
    ...(tags.length ? { tags } : {}),
    ...(filters.collectionId ? { collectionId: filters.collectionId } : {}),
    ...(filters.createdAfter ? { createdAfter: new Date(filters.createdAfter).toISOString() } : {}),
  };
}

export function Gallery() {
  const [text, setText] = useState('');
  const [mode, setMode] = useState<SearchMode>('HYBRID');
  const [favoritesOnly, setFavoritesOnly] = useState(false);
  const [filters, setFilters] = useState<Filters>(NO_FILTERS);
  const [options, setOptions] = useState<CreateOptionsQuery | null>(null);
  const [collections, setCollections] = useState<CollectionsQuery['collections']['edges']>([]);
  const [input, setInput] = useState<LibrarySearchInput>({ sort: 'NEWEST' });
  const [images, setImages] = useState<GalleryImageFragment[]>([]);
  const [total, setTotal] = useState<string>('');
  const [next, setNext] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const loading = useRef(false);
  const sentinel = useRef<HTMLDivElement>(null);

  const load = useCallback(
    async (after: string | null, search: LibrarySearchInput) => {
      if (loading.current) return;
      loading.current = true;
      try {
        const { searchImages } = await request(GalleryDocument, { input: search, after });
        setImages((now) => (after ? [...now, ...searchImages.edges.map((edge) => edge.node)] : searchImages.edges.map((edge) => edge.node)));
        setTotal(`${searchImages.totalCountIsExact ? '' : '~'}${searchImages.totalCount}`);
        setNext(searchImages.pageInfo.hasNextPage ? searchImages.pageInfo.endCursor ?? null : null);
        setError(null);
      } catch (failure) {
        setError((failure as ApiError).message);
      } finally {
        loading.current = false;
      }
    },
    [],
  );

  useEffect(() => void load(null, input), [input, load]);
  useEffect(() => {
    request(CreateOptionsDocument).then(setOptions, () => undefined);
    request(CollectionsDocument).then(({ collections: found }) => setCollections(found.edges), () => undefined);
  }, []);
  useEffect(() => {
    const target = sentinel.current;
    if (!target || !next) return;
    const observer = new IntersectionObserver((entries) => entries.some((entry) => entry.isIntersecting) && void load(next, input));
    observer.observe(target);
    return () => observer.disconnect();
  }, [next, input, load]);

  function search(event: FormEvent) {
    event.preventDefault();
    const query = text.trim();
    setInput({ ...(query ? { query, mode } : { sort: 'NEWEST' }), ...(favoritesOnly ? { favoritesOnly: true } : {}), ...filterInput(filters) });
  }
  const setFilter = <K extends keyof Filters>(key: K, value: Filters[K]) => setFilters((now) => ({ ...now, [key]: value }));

  return (
    <section className="gallery">
      <form role="search" onSubmit={search}>
        <input type="search" name="query" placeholder="Search prompts: words, typos, meaning" value={text} onChange={(event) => setText(event.target.value)} aria-label="search" />
        <select name="mode" value={mode} onChange={(event) => setMode(event.target.value as SearchMode)} aria-label="search mode">
          {MODES.map((name) => (
            <option key={name} value={name}>
              {name.toLowerCase()}
            </option>
          ))}
        </select>
        <label className="inline">
          <input type="checkbox" checked={favoritesOnly} onChange={(event) => setFavoritesOnly(event.target.checked)} /> favorites
        </label>
        <button type="submit">Search</button>
        <fieldset className="filters">
          <legend>Filters</legend>
          <select aria-label="model" value={filters.model} onChange={(event) => setFilter('model', event.target.value)}>
            <option value="">any model</option>
            {options?.models.map((model) => (
              <option key={model.name} value={model.name}>
                {model.name}
              </option>
            ))}
          </select>
          <select aria-label="sampler" value={filters.sampler} onChange={(event) => setFilter('sampler', event.target.value)}>
            <option value="">any sampler</option>
            {options?.samplers.map((sampler) => (
              <option key={sampler.name} value={sampler.name}>
                {sampler.label}
              </option>
            ))}
          </select>
          <input aria-label="width" type="number" placeholder="width" value={filters.width} onChange={(event) => setFilter('width', event.target.value)} />
          <input aria-label="height" type="number" placeholder="height" value={filters.height} onChange={(event) => setFilter('height', event.target.value)} />
          <input aria-label="tags" placeholder="tags, comma separated" value={filters.tags} onChange={(event) => setFilter('tags', event.target.value)} />
          <select aria-label="collection" value={filters.collectionId} onChange={(event) => setFilter('collectionId', event.target.value)}>
            <option value="">any collection</option>
            {collections.map(({ node }) => (
              <option key={node.id} value={node.id}>
                {node.name} ({node.imageCount})
              </option>
            ))}
          </select>
          <label className="inline">
            since <input aria-label="created after" type="date" value={filters.createdAfter} onChange={(event) => setFilter('createdAfter', event.target.value)} />
          </label>
        </fieldset>
      </form>
      {error && <p className="error" role="alert">{error}</p>}
      <p className="count" aria-live="polite">{total && `${total} images`}</p>
      <div className="grid">
        {images.map((image) => (
          <ImageTile key={image.id} image={image} />
        ))}
      </div>
      <div ref={sentinel} className="sentinel" />
    </section>
  );
}

/** Images whose prompts are nearest in meaning to one image's (semantic search: needs the server's text encoder). */
export function SimilarImages({ imageId }: { imageId: string }) {
  const [images, setImages] = useState<GalleryImageFragment[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    request(SimilarImagesDocument, { imageId }).then(
      ({ similarImages }) => setImages(similarImages.edges.map((edge) => edge.node)),
      (failure: ApiError) => setError(failure.message),
    );
  }, [imageId]);
  return (
    <section className="gallery">
      <h2>Similar images</h2>
      {error && <p className="error" role="alert">{error}</p>}
      <div className="grid">{images?.map((image) => <ImageTile key={image.id} image={image} />)}</div>
    </section>
  );
}
