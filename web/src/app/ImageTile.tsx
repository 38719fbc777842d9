/**
 * A picture in a grid: its thumbnail, linking to its page, a favorite toggle and its tags; in the gallery also a
 * checkbox that selects it (shift-click: the range from the last one toggled). The owner of the grid holds the
 * image, so that a change made here or to a whole selection shows the same way.
 */
import { SetFavoriteDocument, type GalleryImageFragment } from '../generated/graphql';
import { request } from './api';

export interface TileSelection {
  selected: boolean;
  onToggle: (range: boolean) => void;
}

export function ImageTile({ image, onChange, selection }: { image: GalleryImageFragment; onChange: (image: GalleryImageFragment) => void; selection?: TileSelection }) {
  const prompt = image.generation.prompt;
  return (
    <div className="tile-box" data-image-id={image.id} data-selected={selection?.selected || undefined}>
      <a className="tile" href={`#/generation/${encodeURIComponent(image.generation.id)}`} title={prompt}>
        <img src={image.thumbnailUrl} alt={prompt} width={image.width} height={image.height} loading="lazy" />
      </a>
      {selection && (
        <input
          type="checkbox"
          className="select-toggle"
          aria-label={`select ${prompt}`}
          checked={selection.selected}
          // React fires a checkbox's change on its click, so the native event says whether shift was held.
          onChange={(event) => selection.onToggle((event.nativeEvent as MouseEvent).shiftKey === true)}
        />
      )}
      <button
        type="button"
        className="favorite-toggle"
        aria-pressed={image.favorite}
        aria-label={image.favorite ? 'unfavorite' : 'favorite'}
        onClick={() => void request(SetFavoriteDocument, { imageId: image.id, favorite: !image.favorite }).then(({ setFavorite: changed }) => onChange({ ...image, favorite: changed.favorite }), () => undefined)}
      >
        {image.favorite ? '★' : '☆'}
      </button>
      {image.tags.length > 0 && (
        <p className="tile-tags" aria-label="tags">
          {image.tags.join(', ')}
        </p>
      )}
    </div>
  );
}
