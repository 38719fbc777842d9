/**
 * img2img and inpainting: the picture to start from (uploaded, or a gallery image's), and a mask painted over it
 * with a brush (white repaints, black keeps), uploaded when the job is queued.
 */
import { useEffect, useRef, useState, type PointerEvent } from 'react';

export interface InitPicture {
  /** An image id the API knows (an upload's or a gallery image's). */
  id: string;
  url: string;
  width: number;
  height: number;
}

/** Where a gallery image's page leaves the picture for Create to start from. */
const HANDOFF = 'atelier.initImage';

export function handOffInitPicture(picture: InitPicture): void {
  sessionStorage.setItem(HANDOFF, JSON.stringify(picture));
}

/** The picture a gallery page left, if any (read, not taken: forgetHandedOffPicture once it is in use). */
export function handedOffPicture(): InitPicture | null {
  const stored = sessionStorage.getItem(HANDOFF);
  return stored ? (JSON.parse(stored) as InitPicture) : null;
}

export function forgetHandedOffPicture(): void {
  sessionStorage.removeItem(HANDOFF);
}

export function MaskBrush({ picture, onMask }: { picture: InitPicture; onMask: (mask: (() => string) | null) => void }) {
  const canvas = useRef<HTMLCanvasElement>(null);
  const painting = useRef(false);
  const [brush, setBrush] = useState(12);
  const [painted, setPainted] = useState(false);

  useEffect(() => {
    const context = canvas.current?.getContext('2d');
    if (!context) return;
    context.clearRect(0, 0, picture.width, picture.height);
    setPainted(false);
    onMask(null);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [picture.id]);

  function paint(event: PointerEvent<HTMLCanvasElement>) {
    if (!painting.current || !canvas.current) return;
    const box = canvas.current.getBoundingClientRect();
    const x = ((event.clientX - box.left) / box.width) * picture.width;
    const y = ((event.clientY - box.top) / box.height) * picture.height;
    const context = canvas.current.getContext('2d')!;
    context.fillStyle = 'rgba(255, 255, 255, 1)';
    context.beginPath();
    context.arc(x, y, (brush / box.width) * picture.width, 0, 2 * Math.PI);
    context.fill();
    if (!painted) {
      setPainted(true);
      onMask(() => maskDataUrl(canvas.current!));
    }
  }

  return (
    <div className="mask">
      <div className="mask-stack">
        <img src={picture.url} alt="the picture to start from" width={picture.width} height={picture.height} />
        <canvas
          ref={canvas}
          width={picture.width}
          height={picture.height}
          aria-label="mask: paint what to redraw"
          onPointerDown={(event) => {
            painting.current = true;
            event.currentTarget.setPointerCapture(event.pointerId);
            paint(event);
          }}
          onPointerMove={paint}
          onPointerUp={() => (painting.current = false)}
        />
      </div>
      <div className="row">
        <label className="inline">
          Brush <input type="range" min={2} max={48} value={brush} onChange={(event) => setBrush(Number(event.target.value))} aria-label="brush size" />
        </label>
        <button
          type="button"
          disabled={!painted}
          onClick={() => {
            canvas.current?.getContext('2d')?.clearRect(0, 0, picture.width, picture.height);
            setPainted(false);
            onMask(null);
          }}
        >
          Clear mask
        </button>
        <span className="muted">{painted ? 'inpainting the painted part' : 'img2img (paint to inpaint a part)'}</span>
      </div>
    </div>
  );
}

/** The painted strokes as the API's mask: white where painted, black elsewhere, at the picture's size. */
function maskDataUrl(strokes: HTMLCanvasElement): string {
  const mask = document.createElement('canvas');
  mask.width = strokes.width;
  mask.height = strokes.height;
  const context = mask.getContext('2d')!;
  context.fillStyle = 'black';
  context.fillRect(0, 0, mask.width, mask.height);
  context.drawImage(strokes, 0, 0);
  return mask.toDataURL('image/png');
}

export function readFileAsDataUrl(file: File): Promise<string> {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(String(reader.result));
    reader.onerror = () => reject(reader.error);
    reader.readAsDataURL(file);
  });
}
