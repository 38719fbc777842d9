/**
 * What can be done to the gallery's selected images at once: tag or untag, add to or remove from a collection
 * (a new name creates it), favorite or unfavorite, delete. Reports each change to the gallery, which updates
 * the grid in place; the API's errors show here.
 */
import { useState, type FormEvent } from 'react';
import type { CollectionsQuery, GalleryImageFragment } from '../generated/graphql';
import { collect, collectionNamed, deleteGenerations, favorite, tag, type ImagePatch, type Outcome } from './bulk';

type Collection = CollectionsQuery['collections']['edges'][number]['node'];

export interface SelectionChanges {
  onPatch: (patches: ImagePatch[]) => void;
  onLeftCollection: (collectionId: string, imageIds: string[]) => void;
  onDeleted: (generationIds: string[]) => void;
  onCollectionsChanged: () => void;
}

const plural = (count: number, word: string) => `${count} ${word}${count === 1 ? '' : 's'}`;

/** "3 images", or, when some failed, what failed and why. */
function summary<T>(outcome: Outcome<T>, word: string): { message: string; error: string | null } {
  return { message: plural(outcome.done.length, word), error: outcome.errors.length ? `${plural(outcome.errors.length, word)} failed: ${[...new Set(outcome.errors)].join('; ')}` : null };
}

export function SelectionBar({ selected, shown, collections, onSelectAll, onClear, changes }: {
  selected: GalleryImageFragment[];
  shown: number;
  collections: Collection[];
  onSelectAll: () => void;
  onClear: () => void;
  changes: SelectionChanges;
}) {
  const [tagName, setTagName] = useState('');
  const [collectionName, setCollectionName] = useState('');
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const ids = selected.map((image) => image.id);
  const selectionTags = [...new Set(selected.flatMap((image) => image.tags))].sort();

  /** One action at a time: the bar is disabled while it runs, and its outcome replaces the last one's. */
  async function run(action: () => Promise<{ message: string; error?: string | null }>) {
    setBusy(true);
    setMessage(null);
    setError(null);
    try {
      const outcome = await action();
      setMessage(outcome.message);
      setError(outcome.error ?? null);
    } catch (failure) {
      setError(failure instanceof Error ? failure.message : String(failure));
    } finally {
      setBusy(false);
    }
  }

  const tagged = (add: boolean) => (event?: FormEvent) => {
    event?.preventDefault();
    const name = tagName.trim();
    if (!name) return;
    void run(async () => {
      changes.onPatch(await tag(ids, name, add));
      setTagName('');
      return { message: `${add ? 'Tagged' : 'Untagged'} ${plural(ids.length, 'image')} “${name.toLowerCase()}”` };
    });
  };
  const collected = (add: boolean) => (event?: FormEvent) => {
    event?.preventDefault();
    const name = collectionName.trim();
    if (!name) return;
    void run(async () => {
      const target = await collectionNamed(name, collections, add);
      const updated = await collect(target.id, ids, add);
      if (!add) changes.onLeftCollection(target.id, ids);
      changes.onCollectionsChanged();
      setCollectionName('');
      return { message: `${add ? 'Added to' : 'Removed from'} ${updated.name}, now ${plural(updated.imageCount, 'image')}` };
    });
  };
  const favorited = (on: boolean) =>
    void run(async () => {
      // Only those not already so: one request per image, so none is sent that would change nothing.
      const outcome = await favorite(selected.filter((image) => image.favorite !== on).map((image) => image.id), on);
      changes.onPatch(outcome.done);
      const { message: count, error: failed } = summary(outcome, 'image');
      return { message: `${on ? 'Favorited' : 'Unfavorited'} ${count}`, error: failed };
    });
  function remove() {
    // The API deletes whole generations: every picture of a batch goes with the one selected.
    const generationIds = [...new Set(selected.map((image) => image.generation.id))];
    if (!window.confirm(`Delete ${plural(generationIds.length, 'generation')} and all their images? This cannot be undone.`)) return;
    void run(async () => {
      const outcome = await deleteGenerations(generationIds);
      changes.onDeleted(outcome.done);
      changes.onCollectionsChanged();
      const { message: count, error: failed } = summary(outcome, 'generation');
      return { message: `Deleted ${count}`, error: failed };
    });
  }

  return (
    <section className="selection-bar" aria-label="selection">
      <div className="row">
        <span className="muted">{ids.length ? `${plural(ids.length, 'image')} selected` : 'Select images to tag, collect or delete several at once'}</span>
        {ids.length < shown && (
          <button type="button" onClick={onSelectAll} disabled={busy}>
            Select all shown
          </button>
        )}
        {ids.length > 0 && (
          <button type="button" onClick={onClear} disabled={busy}>
            Clear selection
          </button>
        )}
      </div>
      {ids.length > 0 && (
        <fieldset className="selection-actions" disabled={busy}>
          <legend>With the selected images</legend>
          <form className="row" onSubmit={tagged(true)}>
            <input aria-label="tag for the selection" list="selection-tags" placeholder="tag" value={tagName} onChange={(event) => setTagName(event.target.value)} />
            <datalist id="selection-tags">
              {selectionTags.map((name) => (
                <option key={name} value={name} />
              ))}
            </datalist>
            <button type="submit">Add tag</button>
            <button type="button" onClick={() => tagged(false)()}>
              Remove tag
            </button>
          </form>
          <form className="row" onSubmit={collected(true)}>
            <input aria-label="collection for the selection" list="selection-collections" placeholder="collection (new or existing)" value={collectionName} onChange={(event) => setCollectionName(event.target.value)} />
            <datalist id="selection-collections">
              {collections.map((collection) => (
                <option key={collection.id} value={collection.name} />
              ))}
            </datalist>
            <button type="submit">Add to collection</button>
            <button type="button" onClick={() => collected(false)()}>
              Remove from collection
            </button>
          </form>
          <div className="row">
            <button type="button" onClick={() => favorited(true)}>
              Favorite selected
            </button>
            <button type="button" onClick={() => favorited(false)}>
              Unfavorite selected
            </button>
            <button type="button" className="danger" onClick={remove}>
              Delete selected…
            </button>
          </div>
        </fieldset>
      )}
      <p className="muted" role="status">
        {message}
      </p>
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
    </section>
  );
}
