/** The engine's picture type: what the VAE decodes to, what previews are, what img2img and inpainting take. */
export interface RgbImage {
  width: number;
  height: number;
  /** Interleaved 8-bit RGB, row-major. */
  data: Uint8Array;
}
