/**
 * A one-line progress bar on a terminal (done/total, percent, rate), redrawn at most ten times a second.
 * On a pipe or a file it writes nothing: the summary at the end is what a script reads.
 */
export class ProgressBar {
  private readonly started = Date.now();
  private lastDraw = 0;
  private drawn = false;

  constructor(
    private readonly stream: NodeJS.WriteStream,
    private readonly label: string,
    private readonly width = 30,
  ) {}

  get enabled(): boolean {
    return this.stream.isTTY === true;
  }

  update(done: number, total: number): void {
    if (!this.enabled) return;
    const now = Date.now();
    if (done < total && now - this.lastDraw < 100) return;
    this.lastDraw = now;
    const fraction = total > 0 ? done / total : 1;
    const filled = Math.round(fraction * this.width);
    const seconds = (now - this.started) / 1000;
    const rate = seconds > 0 ? done / seconds : 0;
    const bar = `${'#'.repeat(filled)}${'-'.repeat(this.width - filled)}`;
    this.stream.write(`\r${this.label} [${bar}] ${done}/${total} ${Math.round(fraction * 100)}% ${rate.toFixed(1)}/s\x1b[K`);
    this.drawn = true;
  }

  /** Clears the bar so that what follows starts on a clean line. */
  finish(): void {
    if (this.drawn) this.stream.write('\r\x1b[K');
    this.drawn = false;
  }
}
