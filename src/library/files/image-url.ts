/**
 * Where the HTTP layer serves a stored picture (generated image or upload): the one place its URLs are
 * spelled. `publicUrl` is the server's public prefix; empty gives a URL relative to the server.
 */
export function imageUrl(id: string, publicUrl = ''): string {
  return `${publicUrl}/images/${id}`;
}

/** The picture's WebP thumbnail (see thumbnails.ts), served at the same path. */
export function thumbnailUrl(id: string, publicUrl = ''): string {
  return `${imageUrl(id, publicUrl)}?size=thumb`;
}

/** Signs a picture's URL: the `exp` and `sig` query parameters the image route checks (accounts/image-signatures.ts). */
export type UrlSigner = (id: string, variant: 'full' | 'thumb') => { exp: number; sig: string };

/** The URLs the API hands out, signed when auth is on (so `<img src>` works without a key). */
export interface ImageUrls {
  image(id: string): string;
  thumbnail(id: string): string;
}

export function imageUrls(publicUrl: string, sign?: UrlSigner): ImageUrls {
  const signed = (id: string, variant: 'full' | 'thumb'): string => {
    if (!sign) return '';
    const { exp, sig } = sign(id, variant);
    return `exp=${exp}&sig=${sig}`;
  };
  return {
    image: (id) => {
      const query = signed(id, 'full');
      return query ? `${imageUrl(id, publicUrl)}?${query}` : imageUrl(id, publicUrl);
    },
    thumbnail: (id) => {
      const query = signed(id, 'thumb');
      return query ? `${thumbnailUrl(id, publicUrl)}&${query}` : thumbnailUrl(id, publicUrl);
    },
  };
}
