/** A picture in a grid: its thumbnail, linking to its page, with a favorite toggle on it. */
import { useState } from 'react';
import { SetFavoriteDocument, type GalleryImageFragment } from '../generated/graphql';
import { request } from './api';

export function ImageTile({ image }: { image: GalleryImageFragment }) {
  const [favorite, setFavorite] = useState(image.favorite);
  return (
    <div className="tile-box">
      <a className="tile" href={`#/generation/${encodeURIComponent(image.generation.id)}`} title={image.generation.prompt}>
        <img src={image.thumbnailUrl} alt={image.generation.prompt} width={image.width} height={image.height} loading="lazy" />
      </a>
      <button
        type="button"
        className="favorite-toggle"
        aria-pressed={favorite}
        aria-label={favorite ? 'unfavorite' : 'favorite'}
        onClick={() => void request(SetFavoriteDocument, { imageId: image.id, favorite: !favorite }).then(({ setFavorite: changed }) => setFavorite(changed.favorite), () => undefined)}
      >
        {favorite ? '★' : '☆'}
      </button>
    </div>
  );
}
