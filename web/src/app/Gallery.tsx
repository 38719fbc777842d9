/** The gallery: every image, newest first, as a grid with infinite scroll; the search box narrows it (Lexica-style). */
import { useCallback, useEffect, useRef, useState, type FormEvent } from 'react';
import { GalleryDocument, type GalleryImageFragment, type LibrarySearchInput, type SearchMode } from '../generated/graphql';
import { request, type ApiError } from './api';
import { ImageTile } from './ImageTile';

const MODES: SearchMode[] = ['HYBRID', 'WORDS', 'FUZZY', 'SEMANTIC'];

export function Gallery() {
  const [text, setText] = useState('');
  const [mode, setMode] = useState<SearchMode>('HYBRID');
  const [favoritesOnly, setFavoritesOnly] = useState(false);
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
    const target = sentinel.current;
    if (!target || !next) return;
    const observer = new IntersectionObserver((entries) => entries.some((entry) => entry.isIntersecting) && void load(next, input));
    observer.observe(target);
    return () => observer.disconnect();
  }, [next, input, load]);

  function search(event: FormEvent) {
    event.preventDefault();
    const query = text.trim();
    setInput({ ...(query ? { query, mode } : { sort: 'NEWEST' }), ...(favoritesOnly ? { favoritesOnly: true } : {}) });
  }

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
