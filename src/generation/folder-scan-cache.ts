/**
 * A folder's scan, kept and redone only when a cheap fingerprint of the folder (names, sizes, modification
 * times) changes: what is copied in while the server runs is seen by the next request, and requests that ask
 * while one check runs share it instead of each walking the folder. The model and LoRA catalogues use it.
 */
export class FolderScanCache<T> {
  private cached: { fingerprint: string; scan: Promise<T> } | undefined;
  private checking: Promise<T> | undefined;

  constructor(
    private readonly fingerprint: () => Promise<string>,
    private readonly scanFolder: () => Promise<T>,
  ) {}

  /** The scan as of now: the kept one when the folder did not change, else a new one. */
  get(): Promise<T> {
    if (this.checking) return this.checking;
    const checking = this.checkedScan();
    this.checking = checking;
    const done = () => {
      if (this.checking === checking) this.checking = undefined;
    };
    checking.then(done, done);
    return checking;
  }

  /** Drops the kept scan, so that the next get() scans whatever the fingerprint says (refreshModels). */
  forget(): void {
    this.cached = undefined;
  }

  private async checkedScan(): Promise<T> {
    // Taken before scanning: a change during the scan makes the next check differ, and scan again.
    const fingerprint = await this.fingerprint();
    if (this.cached?.fingerprint === fingerprint) return this.cached.scan;
    const scan = this.scanFolder();
    this.cached = { fingerprint, scan };
    // A failed scan is not kept: the next call tries again.
    scan.catch(() => {
      if (this.cached?.scan === scan) this.cached = undefined;
    });
    return scan;
  }
}
