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
