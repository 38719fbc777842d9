/** A picture in a grid: its thumbnail, linking to its page. */
import type { GalleryImageFragment } from '../generated/graphql';

export function ImageTile({ image }: { image: GalleryImageFragment }) {
  return (
    <a className="tile" href={`#/generation/${encodeURIComponent(image.generation.id)}`} title={image.generation.prompt}>
      <img src={image.thumbnailUrl} alt={image.generation.prompt} width={image.width} height={image.height} loading="lazy" />
      {image.favorite && <span className="favorite-mark" aria-label="favorite">★</span>}
    </a>
  );
}
