/** The gallery's search box, its mode and the filters (model, sampler, size, tags, collection, dates, favorites). */
import { useEffect, useState, type FormEvent } from 'react';
import { CreateOptionsDocument, type CollectionsQuery, type CreateOptionsQuery, type LibrarySearchInput, type SearchMode } from '../generated/graphql';
import { request } from './api';

const MODES: SearchMode[] = ['HYBRID', 'WORDS', 'FUZZY', 'SEMANTIC'];

/** The filters as typed (text), turned into the API's input by filterInput. */
type Filters = { model: string; sampler: string; width: string; height: string; tags: string; collectionId: string; createdAfter: string; createdUntil: string };
const NO_FILTERS: Filters = { model: '', sampler: '', width: '', height: '', tags: '', collectionId: '', createdAfter: '', createdUntil: '' };

/** A date input's day (YYYY-MM-DD) as its first moment here: `new Date('YYYY-MM-DD')` would read it as UTC's. */
function startOfDay(day: string, plusDays = 0): string {
  const start = new Date(`${day}T00:00:00`);
  start.setDate(start.getDate() + plusDays);
  return start.toISOString();
}

function filterInput(filters: Filters): LibrarySearchInput {
  const tags = filters.tags.split(',').map((tag) => tag.trim()).filter(Boolean);
  return {
    ...(filters.model ? { model: filters.model } : {}),
    ...(filters.sampler ? { sampler: filters.sampler } : {}),
    ...(filters.width ? { width: Number(filters.width) } : {}),
    ...(filters.height ? { height: Number(filters.height) } : {}),
    ...(tags.length ? { tags } : {}),
    ...(filters.collectionId ? { collectionId: filters.collectionId } : {}),
    ...(filters.createdAfter ? { createdAfter: startOfDay(filters.createdAfter) } : {}),
    // "Until" a day includes that day: the API's createdBefore is exclusive, so the next day's start.
    ...(filters.createdUntil ? { createdBefore: startOfDay(filters.createdUntil, 1) } : {}),
  };
}

export function GallerySearch({ collections, onSearch }: { collections: CollectionsQuery['collections']['edges']; onSearch: (input: LibrarySearchInput) => void }) {
  const [text, setText] = useState('');
  const [mode, setMode] = useState<SearchMode>('HYBRID');
  const [favoritesOnly, setFavoritesOnly] = useState(false);
  const [filters, setFilters] = useState<Filters>(NO_FILTERS);
  const [options, setOptions] = useState<CreateOptionsQuery | null>(null);
  useEffect(() => void request(CreateOptionsDocument).then(setOptions, () => undefined), []);

  function search(event: FormEvent) {
    event.preventDefault();
    const query = text.trim();
    onSearch({ ...(query ? { query, mode } : { sort: 'NEWEST' }), ...(favoritesOnly ? { favoritesOnly: true } : {}), ...filterInput(filters) });
  }
  const setFilter = <K extends keyof Filters>(key: K, value: Filters[K]) => setFilters((now) => ({ ...now, [key]: value }));

  return (
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
        <label className="inline">
          until <input aria-label="created until" type="date" value={filters.createdUntil} onChange={(event) => setFilter('createdUntil', event.target.value)} />
        </label>
      </fieldset>
    </form>
  );
}
