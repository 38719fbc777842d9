/**
 * The gallery: every image, newest first, as a grid with infinite scroll; the search box narrows it (Lexica-style),
 * and images selected in the grid can be tagged, collected, favorited or deleted together.
 */
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { CollectionsDocument, GalleryDocument, SimilarImagesDocument, type CollectionsQuery, type GalleryImageFragment, type LibrarySearchInput } from '../generated/graphql';
import { request, type ApiError } from './api';
import type { ImagePatch } from './bulk';
import { GallerySearch } from './GallerySearch';
import { ImageTile } from './ImageTile';
import { SelectionBar, type SelectionChanges } from './SelectionBar';
import { useSelection } from './selection';

/** Whether an image, as changed, is still one the search asks for (the filters a change in the grid can undo). */
function matches(image: GalleryImageFragment, input: LibrarySearchInput): boolean {
  if (input.favoritesOnly && !image.favorite) return false;
  return (input.tags ?? []).every((tag) => image.tags.includes(tag.trim().toLowerCase()));
}

const replaced = (images: GalleryImageFragment[], changed: GalleryImageFragment) => images.map((image) => (image.id === changed.id ? changed : image));

export function Gallery() {
  const [collections, setCollections] = useState<CollectionsQuery['collections']['edges']>([]);
  const [input, setInput] = useState<LibrarySearchInput>({ sort: 'NEWEST' });
  const [images, setImages] = useState<GalleryImageFragment[]>([]);
  const [total, setTotal] = useState<{ count: number; exact: boolean } | null>(null);
  const [next, setNext] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const loading = useRef(false);
  const searchNumber = useRef(0);
  const sentinel = useRef<HTMLDivElement>(null);
  // The grid as last set, for changes that land after an await (a page may have been appended meanwhile).
  const shown = useRef(images);
  const order = useMemo(() => images.map((image) => image.id), [images]);
  const selection = useSelection(order);
  const selected = images.filter((image) => selection.selected.has(image.id));

  const load = useCallback(async (after: string | null, search: LibrarySearchInput) => {
    // One next page at a time; but a new search is never dropped: it supersedes whatever is loading, whose
    // answer is then ignored (a search pressed while the first page loads would otherwise be lost).
    if (after && loading.current) return;
    const mine = after ? searchNumber.current : ++searchNumber.current;
    loading.current = true;
    try {
      const { searchImages } = await request(GalleryDocument, { input: search, after });
      if (mine !== searchNumber.current) return;
      const found = searchImages.edges.map((edge) => edge.node);
      setImages((now) => (shown.current = after ? [...now, ...found] : found));
      setTotal({ count: searchImages.totalCount, exact: searchImages.totalCountIsExact });
      setNext(searchImages.pageInfo.hasNextPage ? searchImages.pageInfo.endCursor ?? null : null);
      setError(null);
    } catch (failure) {
      if (mine === searchNumber.current) setError((failure as ApiError).message);
    } finally {
      if (mine === searchNumber.current) loading.current = false;
    }
  }, []);
  const loadCollections = useCallback(() => void request(CollectionsDocument).then(({ collections: found }) => setCollections(found.edges), () => undefined), []);

  useEffect(() => void load(null, input), [input, load]);
  useEffect(loadCollections, [loadCollections]);
  useEffect(() => {
    const target = sentinel.current;
    if (!target || !next) return;
    const observer = new IntersectionObserver((entries) => entries.some((entry) => entry.isIntersecting) && void load(next, input));
    observer.observe(target);
    return () => observer.disconnect();
  }, [next, input, load]);

  /** The grid after a change to the selection: what no longer fits the search leaves it, and the count. */
  function changeGrid(change: (now: GalleryImageFragment[]) => GalleryImageFragment[]) {
    const now = shown.current;
    const after = change(now).filter((image) => matches(image, input));
    shown.current = after;
    setImages(after);
    const gone = now.length - after.length;
    if (gone > 0) setTotal((counted) => counted && { ...counted, count: Math.max(0, counted.count - gone) });
  }
  const changes: SelectionChanges = {
    onPatch: (patches: ImagePatch[]) => {
      const byId = new Map(patches.map((patch) => [patch.id, patch]));
      changeGrid((now) => now.map((image) => ({ ...image, ...byId.get(image.id) })));
    },
    onLeftCollection: (collectionId, imageIds) => {
      if (input.collectionId === collectionId) changeGrid((now) => now.filter((image) => !imageIds.includes(image.id)));
    },
    onDeleted: (generationIds) => changeGrid((now) => now.filter((image) => !generationIds.includes(image.generation.id))),
    onCollectionsChanged: loadCollections,
  };

  return (
    <section className="gallery">
      <GallerySearch
        collections={collections}
        onSearch={(search) => {
          selection.clear();
          setInput(search);
        }}
      />
      {error && <p className="error" role="alert">{error}</p>}
      <p className="count" aria-live="polite">{total && `${total.exact ? '' : '~'}${total.count} images`}</p>
      {images.length > 0 && (
        <SelectionBar selected={selected} shown={images.length} collections={collections.map(({ node }) => node)} onSelectAll={selection.selectAll} onClear={selection.clear} changes={changes} />
      )}
      <div className="grid">
        {images.map((image) => (
          <ImageTile
            key={image.id}
            image={image}
            // One tile's star only changes the tile (it stays, even where the search is for favorites: a slip is undone in place).
            onChange={(changed) => {
              shown.current = replaced(shown.current, changed);
              setImages(shown.current);
            }}
            selection={{ selected: selection.selected.has(image.id), onToggle: (range) => selection.toggle(image.id, range) }}
          />
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
      <div className="grid">{images?.map((image) => <ImageTile key={image.id} image={image} onChange={(changed) => setImages((now) => now && replaced(now, changed))} />)}</div>
    </section>
  );
}
