import type { TypedDocumentNode as DocumentNode } from '@graphql-typed-document-node/core';
export type Maybe<T> = T | null;
export type InputMaybe<T> = Maybe<T>;
export type Exact<T extends { [key: string]: unknown }> = { [K in keyof T]: T[K] };
export type MakeOptional<T, K extends keyof T> = Omit<T, K> & { [SubKey in K]?: Maybe<T[SubKey]> };
export type MakeMaybe<T, K extends keyof T> = Omit<T, K> & { [SubKey in K]: Maybe<T[SubKey]> };
export type MakeEmpty<T extends { [key: string]: unknown }, K extends keyof T> = { [_ in K]?: never };
export type Incremental<T> = T | { [P in keyof T]?: P extends ' $fragmentName' | '__typename' ? T[P] : never };
/** All built-in and custom scalars, mapped to their actual values */
export type Scalars = {
  ID: { input: string; output: string; }
  String: { input: string; output: string; }
  Boolean: { input: boolean; output: boolean; }
  Int: { input: number; output: number; }
  Float: { input: number; output: number; }
  /** A date-time string at UTC, such as 2007-12-03T10:15:30Z, compliant with the `date-time` format outlined in section 5.6 of the RFC 3339 profile of the ISO 8601 standard for representation of dates and times using the Gregorian calendar.This scalar is serialized to a string in ISO 8601 format and parsed from a string in ISO 8601 format. */
  DateTimeISO: { input: string; output: string; }
  /** An unsigned 64-bit integer seed (0..18446744073709551615). Accepted as an Int or a decimal String; returned as a String. */
  Seed: { input: string; output: string; }
};

/** An account, as admins see it. */
export type Account = {
  __typename?: 'Account';
  /** When the account was created: with its first API key (`local` comes with the database). */
  createdAt: Scalars['DateTimeISO']['output'];
  id: Scalars['ID']['output'];
  /** Unique: what createApiKey and revokeApiKeys take as `account`. The built-in admin is `local`. */
  name: Scalars['String']['output'];
  role: Role;
};

/** An API key, without the key itself (only its hash is stored). */
export type ApiKey = {
  __typename?: 'ApiKey';
  /** The account the key acts as. */
  account: Account;
  /** When it was made (by createApiKey or `npm run keys`). */
  createdAt: Scalars['DateTimeISO']['output'];
  id: Scalars['ID']['output'];
  /** The first characters of the key, to tell keys apart. */
  prefix: Scalars['String']['output'];
  /** When it was revoked; a revoked key authenticates nobody. */
  revokedAt?: Maybe<Scalars['DateTimeISO']['output']>;
};

/** A LoRA a generation was made with. */
export type AppliedLora = {
  __typename?: 'AppliedLora';
  /** The file's AUTOMATIC1111 short hash (12 hex digits) when it ran; empty when not known (an import that did not say). */
  hash: Scalars['String']['output'];
  name: Scalars['String']['output'];
  weight: Scalars['Float']['output'];
};

/** A named, ordered set of images. Its images are listed by the `images` field. */
export type Collection = {
  __typename?: 'Collection';
  createdAt: Scalars['DateTimeISO']['output'];
  /** Empty when it has none. */
  description: Scalars['String']['output'];
  /** What `collection` and the collection mutations take. */
  id: Scalars['ID']['output'];
  /** Images in it (see `images`). */
  imageCount: Scalars['Int']['output'];
  /** Its images in order. */
  images: ImageConnection;
  /** Unique among your collections. */
  name: Scalars['String']['output'];
  /** When its name, its description, its images or their order last changed. */
  updatedAt: Scalars['DateTimeISO']['output'];
};


/** A named, ordered set of images. Its images are listed by the `images` field. */
export type CollectionImagesArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  first?: Scalars['Int']['input'];
};

/** What to change; absent fields stay as they are. */
export type CollectionChanges = {
  /** A new description, up to 2000 characters (empty removes it). */
  description?: InputMaybe<Scalars['String']['input']>;
  /** A new name: 1 to 100 characters, unique among collections. */
  name?: InputMaybe<Scalars['String']['input']>;
};

/** A page of collections, by name (Relay cursor connection). */
export type CollectionConnection = {
  __typename?: 'CollectionConnection';
  edges: Array<CollectionEdge>;
  pageInfo: PageInfo;
  /** Nodes in the whole list, not just this page (an estimate where totalCountIsExact is false). */
  totalCount: Scalars['Int']['output'];
  /** False when totalCount is an estimate: a text search ranks at most 500 matches of each of its lists (a hybrid one 200 of each word list), the most used (NEWEST: the newest), and counts a larger match from the database statistics, as search engines do. */
  totalCountIsExact: Scalars['Boolean']['output'];
};

export type CollectionEdge = {
  __typename?: 'CollectionEdge';
  /** The node's place in the list: pass it as `after` for the nodes after it. */
  cursor: Scalars['String']['output'];
  node: Collection;
};

export type CollectionInput = {
  /** Up to 2000 characters. */
  description?: InputMaybe<Scalars['String']['input']>;
  /** 1 to 100 characters; unique among collections. */
  name: Scalars['String']['input'];
};

/** A new API key: `key` is shown this once and cannot be read again. */
export type CreatedApiKey = {
  __typename?: 'CreatedApiKey';
  /** The new key as `apiKeys` lists it. */
  apiKey: ApiKey;
  /** Send it as `Authorization: Bearer KEY` (graphql-ws: connection params { authorization: "Bearer KEY" }). */
  key: Scalars['String']['output'];
};

/** What deleteGeneration removed. */
export type DeletedGeneration = {
  __typename?: 'DeletedGeneration';
  id: Scalars['ID']['output'];
  /** Image files removed from disk (files shared with other pictures stay). */
  removedFiles: Scalars['Int']['output'];
};

/** Few-step variants: LCM (latent consistency; guidance as an embedding when the UNet takes timestep_cond) and Turbo (adversarial distillation; 1-4 steps, no guidance). */
export type Distillation =
  | 'LCM'
  | 'NONE'
  | 'TURBO';

/** An installed textual-inversion embedding (ATELIER_EMBEDDINGS_DIR): writing its name in a prompt or negative prompt calls it up. */
export type Embedding = {
  __typename?: 'Embedding';
  /** The family its vectors fit (SDXL: a clip_l and clip_g pair); only models of it get it. */
  family?: Maybe<ModelFamily>;
  /** The first 12 hex digits of the file's sha256. */
  hash: Scalars['String']['output'];
  /** The word a prompt writes: the file name without .safetensors. */
  name: Scalars['String']['output'];
  /** File size in bytes. */
  sizeBytes: Scalars['Float']['output'];
  /** Tokens it takes in a prompt. */
  vectors: Scalars['Int']['output'];
};

/** A text-to-image request (image-to-image with initImageId). Only the prompt is required. */
export type GenerateInput = {
  /** Images to generate with consecutive seeds, 1..8. Default: 1. */
  batchSize?: InputMaybe<Scalars['Int']['input']>;
  /** img2img: how much of the schedule runs from the init image, 0..1 (0 keeps it, 1 ignores it). Only with initImageId. Default: 0.75. */
  denoisingStrength?: InputMaybe<Scalars['Float']['input']>;
  /** Classifier-free guidance scale, 0..30; 1 or less skips the unconditional pass. Default: the model's (7 for SD 1.x/2.x, 5 for SDXL, 0 for Turbo). */
  guidanceScale?: InputMaybe<Scalars['Float']['input']>;
  /** Height in pixels, a multiple of 8 in 64..2048. Default: the model's native size. */
  height?: InputMaybe<Scalars['Int']['input']>;
  /** AUTOMATIC1111's hires fix: a second pass at a larger size (text-to-image only). Its images are the second pass's size; width and height stay the first pass's. Default: none. */
  hires?: InputMaybe<HiresInput>;
  /** img2img: id of a stored image to start from (any generation's image, or one from uploadImage). It is stretched to width x height, which default to its size. Default: none (text-to-image). */
  initImageId?: InputMaybe<Scalars['ID']['input']>;
  /** LoRAs to merge into the model, at most 8 (see `loras`), beside those the prompt names AUTOMATIC1111's way (`<lora:name:0.8>`, taken out of the text that is encoded). Default: none. */
  loras?: InputMaybe<Array<LoraInput>>;
  /** Inpainting: id of a mask from uploadImage, with initImageId: white repaints, black keeps, grey blends. Stretched to width x height. Default: none. */
  maskImageId?: InputMaybe<Scalars['ID']['input']>;
  /** Model name (see `models`). Default: the server default model. */
  model?: InputMaybe<Scalars['String']['input']>;
  /** What to steer away from. Default: empty. */
  negativePrompt?: InputMaybe<Scalars['String']['input']>;
  /** How step previews are drawn. Default: TAESD when the server has it, else LATENT2RGB. */
  previewMethod?: InputMaybe<PreviewMethod>;
  /** Queue priority, -100..100 for admins, -100..0 for users; higher runs first, and equal priorities take turns between accounts. Default: 0. */
  priority?: InputMaybe<Scalars['Int']['input']>;
  /** What to draw. Must not be empty. */
  prompt: Scalars['String']['input'];
  /** Sampler name (see `samplers`). Default: the model's (`Model.defaults`; euler for SD). */
  sampler?: InputMaybe<Scalars['String']['input']>;
  /** Seed of the first image (image i uses seed + i). Default: random, and recorded. */
  seed?: InputMaybe<Scalars['Seed']['input']>;
  /** Denoising steps, 1..150. Default: the model's (20 for SD, 4 for LCM, 1 for Turbo). */
  steps?: InputMaybe<Scalars['Int']['input']>;
  /** AUTOMATIC1111's variation seed (image i uses variationSeed + i). Default: none; random when only variationStrength is given. */
  variationSeed?: InputMaybe<Scalars['Seed']['input']>;
  /** How much of the variation seed to blend into the seed, 0..1 (small values give variations). Default: 0. */
  variationStrength?: InputMaybe<Scalars['Float']['input']>;
  /** PRIVATE (default) or PUBLIC: in the shared gallery, for every account to search and remix. */
  visibility?: InputMaybe<Visibility>;
  /** Width in pixels, a multiple of 8 in 64..2048. Default: the model's native size. */
  width?: InputMaybe<Scalars['Int']['input']>;
};

/** A text-to-image job and its results. */
export type Generation = {
  __typename?: 'Generation';
  /** Images it makes, with consecutive seeds. */
  batchSize: Scalars['Int']['output'];
  /** When it was queued (or imported). */
  createdAt: Scalars['DateTimeISO']['output'];
  /** img2img: how much of the schedule ran from the init image (null for text-to-image). */
  denoisingStrength?: Maybe<Scalars['Float']['output']>;
  /** Why the job failed, when FAILED. */
  error?: Maybe<Scalars['String']['output']>;
  /** When it became COMPLETED, FAILED or CANCELLED; null before. */
  finishedAt?: Maybe<Scalars['DateTimeISO']['output']>;
  /** Classifier-free guidance scale; 1 or less skips the unconditional pass. */
  guidanceScale: Scalars['Float']['output'];
  /** Height of every image, in pixels. */
  height: Scalars['Int']['output'];
  /** The hires fix it ran: its images are hires.width x hires.height (null: none). */
  hires?: Maybe<HiresPass>;
  /** What `generation`, `generationEvents` and the mutations on a generation take. */
  id: Scalars['ID']['output'];
  /** Images stored so far, by batch index. */
  images: Array<Image>;
  /** img2img: the stored image this generation started from (null for text-to-image). */
  initImageId?: Maybe<Scalars['ID']['output']>;
  /** GENERATE, or UPSCALE for an upscaleImage job (whose other parameters are its source image's). */
  kind: GenerationKind;
  /** The LoRAs merged into the model for it, in the order asked for. */
  loras: Array<AppliedLora>;
  /** Inpainting: the uploaded mask (null when the whole image was free to change). */
  maskImageId?: Maybe<Scalars['ID']['output']>;
  /** The model it ran on (see `models`). */
  model: Scalars['String']['output'];
  /** What it steered away from, the prompt's --no included; empty for nothing. */
  negativePrompt: Scalars['String']['output'];
  /** How its step previews are drawn. */
  previewMethod: PreviewMethod;
  /** Queue priority, -100..100: higher runs first. */
  priority: Scalars['Int']['output'];
  /** The prompt as run: Midjourney-style parameters at its end (--ar, --seed, --no, ...) are split off into the other fields. */
  prompt: Scalars['String']['output'];
  /** 1-based place in the queue while QUEUED (the order jobs will start in if nothing more is queued: by priority, then accounts' turns, then first come); null otherwise. A job queued later by an account whose turn comes sooner can move it back. */
  queuePosition?: Maybe<Scalars['Int']['output']>;
  /** remix: the image whose parameters this generation re-ran (null otherwise, or once that image is deleted). */
  remixOfImageId?: Maybe<Scalars['ID']['output']>;
  /** A name from `samplers`. */
  sampler: Scalars['String']['output'];
  /** Seed of the first image; image i used seed + i. */
  seed: Scalars['Seed']['output'];
  /** When a worker last took the job; null when none did (QUEUED, cancelled while queued, or imported). */
  startedAt?: Maybe<Scalars['DateTimeISO']['output']>;
  status: GenerationStatus;
  /** Denoising steps of the schedule (img2img runs the last denoisingStrength of them). */
  steps: Scalars['Int']['output'];
  /** An upscale job: the upscaler and factor; its source is initImageId, its image width x height (null for a generation). */
  upscale?: Maybe<UpscalePass>;
  /** Variation seed of the first image, when one was used. */
  variationSeed?: Maybe<Scalars['Seed']['output']>;
  /** How much of the variation seed was blended in (0 = none). */
  variationStrength: Scalars['Float']['output'];
  /** PUBLIC generations are in the shared gallery (see setGenerationVisibility). */
  visibility: Visibility;
  /** Notes about the request, e.g. a prompt truncated to 77 tokens. */
  warnings: Array<Scalars['String']['output']>;
  /** Width of every image, in pixels. */
  width: Scalars['Int']['output'];
};

export type GenerationCancelled = GenerationEvent & {
  __typename?: 'GenerationCancelled';
  generationId: Scalars['ID']['output'];
  type: GenerationEventType;
};

/** All images are stored. */
export type GenerationCompleted = GenerationEvent & {
  __typename?: 'GenerationCompleted';
  generationId: Scalars['ID']['output'];
  type: GenerationEventType;
  /** As Generation.warnings. */
  warnings: Array<Scalars['String']['output']>;
};

/** A page of generations, newest first (Relay cursor connection). */
export type GenerationConnection = {
  __typename?: 'GenerationConnection';
  edges: Array<GenerationEdge>;
  pageInfo: PageInfo;
  /** Nodes in the whole list, not just this page (an estimate where totalCountIsExact is false). */
  totalCount: Scalars['Int']['output'];
  /** False when totalCount is an estimate: a text search ranks at most 500 matches of each of its lists (a hybrid one 200 of each word list), the most used (NEWEST: the newest), and counts a larger match from the database statistics, as search engines do. */
  totalCountIsExact: Scalars['Boolean']['output'];
};

export type GenerationEdge = {
  __typename?: 'GenerationEdge';
  /** The node's place in the list: pass it as `after` for the nodes after it. */
  cursor: Scalars['String']['output'];
  node: Generation;
};

/** Progress of a generation: QUEUED -> STARTED -> STEP... -> IMAGE... -> COMPLETED | FAILED | CANCELLED. */
export type GenerationEvent = {
  generationId: Scalars['ID']['output'];
  type: GenerationEventType;
};

export type GenerationEventType =
  | 'CANCELLED'
  | 'COMPLETED'
  | 'FAILED'
  | 'IMAGE'
  | 'QUEUED'
  | 'STARTED'
  | 'STEP';

export type GenerationFailed = GenerationEvent & {
  __typename?: 'GenerationFailed';
  generationId: Scalars['ID']['output'];
  /** Why it failed, as Generation.error. */
  message: Scalars['String']['output'];
  type: GenerationEventType;
};

/** An image is stored and can be downloaded. */
export type GenerationImage = GenerationEvent & {
  __typename?: 'GenerationImage';
  generationId: Scalars['ID']['output'];
  /** As Generation.images lists it from now on. */
  image: Image;
  type: GenerationEventType;
};

/** GENERATE: denoised from a prompt (generate, remix). UPSCALE: a stored picture enlarged by an upscaler model (upscaleImage). */
export type GenerationKind =
  | 'GENERATE'
  | 'UPSCALE';

/** Waiting in the queue. */
export type GenerationQueued = GenerationEvent & {
  __typename?: 'GenerationQueued';
  generationId: Scalars['ID']['output'];
  /** 1-based place in the queue. */
  position: Scalars['Int']['output'];
  type: GenerationEventType;
};

/** A worker took the job. */
export type GenerationStarted = GenerationEvent & {
  __typename?: 'GenerationStarted';
  generationId: Scalars['ID']['output'];
  type: GenerationEventType;
};

/** QUEUED -> RUNNING -> COMPLETED | FAILED | CANCELLED */
export type GenerationStatus =
  | 'CANCELLED'
  | 'COMPLETED'
  | 'FAILED'
  | 'QUEUED'
  | 'RUNNING';

/** One denoising step finished. */
export type GenerationStep = GenerationEvent & {
  __typename?: 'GenerationStep';
  generationId: Scalars['ID']['output'];
  /** 1, or 2 on a hires fix's second pass (its steps are counted after the first pass's). */
  pass: Scalars['Int']['output'];
  /** Small WebP preview of the first image as a data: URL (null on steps without a preview). */
  preview?: Maybe<Scalars['String']['output']>;
  /** From 1; the last one is totalSteps. */
  step: Scalars['Int']['output'];
  /** Steps this run takes: fewer than Generation.steps for img2img, which skips the start of the schedule; with a hires fix, both passes' steps together. */
  totalSteps: Scalars['Int']['output'];
  type: GenerationEventType;
};

/** AUTOMATIC1111's hires fix: the picture is made at the requested size, enlarged, and denoised again at the larger size from part of a second schedule. */
export type HiresInput = {
  /** How much of the second schedule runs, 0..1: low keeps the first pass, high redraws it. Default: 0.7. */
  denoisingStrength?: InputMaybe<Scalars['Float']['input']>;
  /** The second pass's height, likewise. */
  height?: InputMaybe<Scalars['Int']['input']>;
  /** How much larger, 1..4 (each side rounded down to a multiple of 8). Default: 2, unless width or height is given. */
  scale?: InputMaybe<Scalars['Float']['input']>;
  /** The second pass's schedule, 0..150, of which denoisingStrength runs (0: the first pass's steps). Default: 0. */
  steps?: InputMaybe<Scalars['Int']['input']>;
  /** Default: LATENT, or MODEL when upscalerModel is given. */
  upscaler?: InputMaybe<HiresUpscaler>;
  /** An upscaler model from `upscalers` (e.g. toy-2x); with upscaler MODEL or none. */
  upscalerModel?: InputMaybe<Scalars['String']['input']>;
  /** The second pass's width, a multiple of 8 from the first pass's width to 2048. Default: from scale, or from height at the first pass's aspect ratio. */
  width?: InputMaybe<Scalars['Int']['input']>;
};

/** The hires fix a generation ran. */
export type HiresPass = {
  __typename?: 'HiresPass';
  denoisingStrength: Scalars['Float']['output'];
  height: Scalars['Int']['output'];
  /** The factor asked for; null when a size was asked for. */
  scale?: Maybe<Scalars['Float']['output']>;
  /** The second pass's schedule (the first pass's steps when 0 was asked for). */
  steps: Scalars['Int']['output'];
  upscaler: HiresUpscaler;
  /** With upscaler MODEL: the upscaler model. */
  upscalerModel?: Maybe<Scalars['String']['output']>;
  /** The size the second pass ran at: its images are this large. */
  width: Scalars['Int']['output'];
};

/** How the first pass is enlarged: AUTOMATIC1111's Latent upscalers (torch's interpolate on the latents: bilinear, antialiased, bicubic, nearest, nearest-exact), LANCZOS on the decoded pixels, or MODEL: an upscaler model (upscalerModel) on the decoded pixels, then Lanczos to the size. */
export type HiresUpscaler =
  | 'LANCZOS'
  | 'LATENT'
  | 'LATENT_ANTIALIASED'
  | 'LATENT_BICUBIC'
  | 'LATENT_BICUBIC_ANTIALIASED'
  | 'LATENT_NEAREST'
  | 'LATENT_NEAREST_EXACT'
  | 'MODEL';

/** One generated image, stored as a PNG with its parameters embedded. */
export type Image = {
  __typename?: 'Image';
  /** Whether it is marked a favorite. */
  favorite: Scalars['Boolean']['output'];
  /** When it was marked a favorite; null when it is not one. */
  favoritedAt?: Maybe<Scalars['DateTimeISO']['output']>;
  /** The generation that made it, with every parameter. */
  generation: Generation;
  /** In pixels. */
  height: Scalars['Int']['output'];
  /** What remix, similarImages, GenerateInput.initImageId and the tag, favorite and collection mutations take. */
  id: Scalars['ID']['output'];
  /** Position in the batch, from 0. */
  index: Scalars['Int']['output'];
  /** The model's safety checker flagged it (ATELIER_SAFETY): its file is black (block), blurred (blur) or as made (flag). */
  nsfw: Scalars['Boolean']['output'];
  /** Its prompt as stored in the library (with its use count). */
  prompt: LibraryPrompt;
  /** Seed that reproduces exactly this image with the same parameters. */
  seed: Scalars['Seed']['output'];
  /** SHA-256 of the PNG bytes; also its ETag. */
  sha256: Scalars['String']['output'];
  /** Its tags, alphabetically. */
  tags: Array<Scalars['String']['output']>;
  /** A WebP thumbnail of at most 256 px a side, for galleries (`url` with `?size=thumb`). */
  thumbnailUrl: Scalars['String']['output'];
  /** Where to download the PNG (relative to the server unless ATELIER_PUBLIC_URL is set). */
  url: Scalars['String']['output'];
  /** In pixels. */
  width: Scalars['Int']['output'];
};

/** A page of images (Relay cursor connection). */
export type ImageConnection = {
  __typename?: 'ImageConnection';
  edges: Array<ImageEdge>;
  pageInfo: PageInfo;
  /** Nodes in the whole list, not just this page (an estimate where totalCountIsExact is false). */
  totalCount: Scalars['Int']['output'];
  /** False when totalCount is an estimate: a text search ranks at most 500 matches of each of its lists (a hybrid one 200 of each word list), the most used (NEWEST: the newest), and counts a larger match from the database statistics, as search engines do. */
  totalCountIsExact: Scalars['Boolean']['output'];
};

export type ImageEdge = {
  __typename?: 'ImageEdge';
  /** The node's place in the list: pass it as `after` for the nodes after it. */
  cursor: Scalars['String']['output'];
  node: Image;
  /** Relevance of the image's prompt when sorted by relevance; null otherwise. */
  score?: Maybe<Scalars['Float']['output']>;
};

/** A picture's generation parameters as its PNG states them (like AUTOMATIC1111's PNG Info), and the library entry it became. Values the file does not state are null. */
export type ImageImport = {
  __typename?: 'ImageImport';
  /** True when the same picture (by SHA-256) was already in the library: nothing was added and `image` is the stored one. */
  alreadyInLibrary: Scalars['Boolean']['output'];
  format: MetadataFormat;
  /** The generation the picture is stored under (status COMPLETED). */
  generationId: Scalars['ID']['output'];
  guidanceScale?: Maybe<Scalars['Float']['output']>;
  /** As the metadata states it; the picture's own size is image.height. */
  height?: Maybe<Scalars['Int']['output']>;
  /** The stored picture, byte for byte as sent. */
  image: Image;
  /** The model as the tool named it (a checkpoint name, not necessarily one of `models`). */
  model?: Maybe<Scalars['String']['output']>;
  /** Empty when the file states none. */
  negativePrompt: Scalars['String']['output'];
  /** Never empty: a picture whose metadata has no prompt is refused. */
  prompt: Scalars['String']['output'];
  /** The metadata text that was read, as the file holds it. */
  raw: Scalars['String']['output'];
  /** One of `samplers` where the tool's sampler is one of ours ("Euler a" -> euler_a); otherwise the tool's own name. */
  sampler?: Maybe<Scalars['String']['output']>;
  seed?: Maybe<Scalars['Seed']['output']>;
  steps?: Maybe<Scalars['Int']['output']>;
  /** As the metadata states it; the picture's own size is image.width (a hires-fix picture is larger). */
  width?: Maybe<Scalars['Int']['output']>;
};

/** What refreshModels found. */
export type InstalledFiles = {
  __typename?: 'InstalledFiles';
  loras: Array<Lora>;
  models: Array<Model>;
};

/** Filters on what was generated; every field is optional. A prompt passes when one of its images does. */
export type LibraryFilterInput = {
  /** Only images in this collection. */
  collectionId?: InputMaybe<Scalars['ID']['input']>;
  /** Prompts first used (their createdAt as you are shown it), or images made, at or after this time. */
  createdAfter?: InputMaybe<Scalars['DateTimeISO']['input']>;
  /** Prompts first used (their createdAt as you are shown it), or images made, before this time. */
  createdBefore?: InputMaybe<Scalars['DateTimeISO']['input']>;
  /** Only favorite images. */
  favoritesOnly?: InputMaybe<Scalars['Boolean']['input']>;
  /** Only images this many pixels high. */
  height?: InputMaybe<Scalars['Int']['input']>;
  /** Only what was made with this LoRA (its name, at any weight). */
  lora?: InputMaybe<Scalars['String']['input']>;
  /** Only what was made with this model. */
  model?: InputMaybe<Scalars['String']['input']>;
  /** true: only images the safety checker flagged; false: only those it did not (a gallery that hides them). Default: both. */
  nsfw?: InputMaybe<Scalars['Boolean']['input']>;
  /** Only what was made with this sampler. */
  sampler?: InputMaybe<Scalars['String']['input']>;
  /** Whose work to look at: MINE (default), PUBLIC (the shared gallery) or ALL (both). */
  scope?: InputMaybe<SearchScope>;
  /** Only images made with this seed. */
  seed?: InputMaybe<Scalars['Seed']['input']>;
  /** Only images carrying every one of these tags (case-insensitive). */
  tags?: InputMaybe<Array<Scalars['String']['input']>>;
  /** Only images this many pixels wide. */
  width?: InputMaybe<Scalars['Int']['input']>;
};

/** A prompt text in the library, stored once however often it was used. */
export type LibraryPrompt = {
  __typename?: 'LibraryPrompt';
  /** When it came into your library (your first use, or its import as a preset); for a gallery prompt you never used, its first public generation. An admin: anyone's first use. */
  createdAt: Scalars['DateTimeISO']['output'];
  /** What similarPrompts takes as promptId. */
  id: Scalars['ID']['output'];
  /** Its newest images. */
  images: Array<Image>;
  /** Your last use of it (as useCount says); for a gallery prompt you never used, its last public generation. An admin: anyone's last use. */
  lastUsedAt: Scalars['DateTimeISO']['output'];
  text: Scalars['String']['output'];
  /** How many of your generations used it, in every scope (MINE, PUBLIC, ALL) and every field: another account's use of the same text is never counted. 0 for a gallery prompt you never used. An admin: every account's generations. */
  useCount: Scalars['Int']['output'];
};


/** A prompt text in the library, stored once however often it was used. */
export type LibraryPromptImagesArgs = {
  first?: Scalars['Int']['input'];
};

/** What to look for in the library, for prompts and images alike; every field is optional (none lists everything, newest first). */
export type LibrarySearchInput = {
  /** Only images in this collection. */
  collectionId?: InputMaybe<Scalars['ID']['input']>;
  /** Prompts first used (their createdAt as you are shown it), or images made, at or after this time. */
  createdAfter?: InputMaybe<Scalars['DateTimeISO']['input']>;
  /** Prompts first used (their createdAt as you are shown it), or images made, before this time. */
  createdBefore?: InputMaybe<Scalars['DateTimeISO']['input']>;
  /** Only favorite images. */
  favoritesOnly?: InputMaybe<Scalars['Boolean']['input']>;
  /** Only images this many pixels high. */
  height?: InputMaybe<Scalars['Int']['input']>;
  /** Only what was made with this LoRA (its name, at any weight). */
  lora?: InputMaybe<Scalars['String']['input']>;
  /** Default: HYBRID. */
  mode?: InputMaybe<SearchMode>;
  /** Only what was made with this model. */
  model?: InputMaybe<Scalars['String']['input']>;
  /** true: only images the safety checker flagged; false: only those it did not (a gallery that hides them). Default: both. */
  nsfw?: InputMaybe<Scalars['Boolean']['input']>;
  /** Free text, e.g. `cyberpunk "neon lights" -samurai`. */
  query?: InputMaybe<Scalars['String']['input']>;
  /** Only what was made with this sampler. */
  sampler?: InputMaybe<Scalars['String']['input']>;
  /** Whose work to look at: MINE (default), PUBLIC (the shared gallery) or ALL (both). */
  scope?: InputMaybe<SearchScope>;
  /** Only images made with this seed. */
  seed?: InputMaybe<Scalars['Seed']['input']>;
  /** Default: RELEVANCE. */
  sort?: InputMaybe<LibrarySort>;
  /** Only images carrying every one of these tags (case-insensitive). */
  tags?: InputMaybe<Array<Scalars['String']['input']>>;
  /** Only images this many pixels wide. */
  width?: InputMaybe<Scalars['Int']['input']>;
};

/** RELEVANCE applies when there is a query; without one it is NEWEST. MOST_USED: by the prompt's useCount as you are shown it (your own uses; an admin: everyone's). */
export type LibrarySort =
  | 'MOST_USED'
  | 'NEWEST'
  | 'RELEVANCE';

/** A model with a LoRA set (maybe none) that a worker keeps loaded, on this node or another of the cluster. */
export type LoadedPipeline = {
  __typename?: 'LoadedPipeline';
  /** Memory it is reckoned to hold: the size of its ONNX files (what ATELIER_WORKER_MEMORY counts). */
  bytes: Scalars['Float']['output'];
  /** Merged into its weights; empty for the plain model. */
  loras: Array<LoraWeight>;
  model: Scalars['String']['output'];
  /** The node (ATELIER_NODE_ID) whose worker it is. */
  node: Scalars['String']['output'];
  /** The worker thread on that node (0-based). */
  worker: Scalars['Int']['output'];
};

/** An installed LoRA: a .safetensors file in ATELIER_LORAS_DIR. */
export type Lora = {
  __typename?: 'Lora';
  /** The model it was trained on, as its metadata names it (ss_sd_model_name or modelspec.architecture). */
  baseModel?: Maybe<Scalars['String']['output']>;
  /** The family it was trained for; null when the file does not say (it is then offered to every model). */
  family?: Maybe<ModelFamily>;
  /** AUTOMATIC1111's short hash of the file (12 hex digits), as PNGs record it under `Lora hashes`. */
  hash: Scalars['String']['output'];
  /** Where the cluster's workers keep it merged into a model now (after their last job). */
  loadedOn: Array<LoadedPipeline>;
  /** What LoraInput.name and `<lora:name:weight>` take. */
  name: Scalars['String']['output'];
  /** A preview picture from its metadata (modelspec.thumbnail), as a data URL. */
  preview?: Maybe<Scalars['String']['output']>;
  /** File size in bytes. */
  sizeBytes: Scalars['Float']['output'];
  /** Words that call up what it learned (its training tags, most frequent first); empty when it lists none. */
  triggerWords: Array<Scalars['String']['output']>;
};

/** A LoRA to merge into the model for this job. */
export type LoraInput = {
  /** Its name in `loras` (the file name without .safetensors). */
  name: Scalars['String']['input'];
  /** Its multiplier, -5 to 5: 1 (default) as trained, 0 off, negative inverts it. */
  weight?: InputMaybe<Scalars['Float']['input']>;
};

/** A LoRA and its weight in a loaded set. */
export type LoraWeight = {
  __typename?: 'LoraWeight';
  name: Scalars['String']['output'];
  weight: Scalars['Float']['output'];
};

/** Where the parameters were read from: AUTOMATIC1111 ("parameters" text chunk; also Forge, SD.Next, Civitai, Atelier), COMFYUI ("prompt" node graph), INVOKEAI ("invokeai_metadata", or 2.x "sd-metadata" / "Dream"). */
export type MetadataFormat =
  | 'AUTOMATIC1111'
  | 'COMFYUI'
  | 'INVOKEAI';

/** An installed model: a folder in the diffusers ONNX layout. */
export type Model = {
  __typename?: 'Model';
  /** Native width and height in pixels; the default size of a request. */
  defaultSize: Scalars['Int']['output'];
  /** What a request that leaves out sampler, steps or guidanceScale gets. */
  defaults: ModelDefaults;
  distillation: Distillation;
  family: ModelFamily;
  /** An inpainting UNet (9 input channels): masks are painted with the model itself. */
  inpainting: Scalars['Boolean']['output'];
  /** Whether a request that leaves out `model` gets this one (ATELIER_DEFAULT_MODEL). */
  isDefault: Scalars['Boolean']['output'];
  /** Where the cluster's workers keep it loaded now (after their last job), plain or with LoRAs. */
  loadedOn: Array<LoadedPipeline>;
  /** Its folder name in ATELIER_MODELS_DIR: what GenerateInput.model takes. */
  name: Scalars['String']['output'];
  /** Pipeline class from model_index.json. */
  pipelineClass: Scalars['String']['output'];
  predictionType: PredictionType;
  /** Why the model cannot be used now; null when it can. */
  problem?: Maybe<Scalars['String']['output']>;
  /** False while a node could not load the model (a corrupt file, say): generate refuses it until it loads again or its folder changes. */
  usable: Scalars['Boolean']['output'];
};

/** What a request that leaves them out gets with this model. */
export type ModelDefaults = {
  __typename?: 'ModelDefaults';
  /** Classifier-free guidance scale; 1 or less skips the unconditional pass (Turbo: 0). */
  guidanceScale: Scalars['Float']['output'];
  /** A name from `samplers`. */
  sampler: Scalars['String']['output'];
  /** Denoising steps. */
  steps: Scalars['Int']['output'];
};

/** The architecture: SD1 (CLIP ViT-L, 768), SD2 (OpenCLIP ViT-H, 1024), SDXL (two text encoders, size conditioning); SD3 (MM-DiT over CLIP-L, CLIP-bigG and T5) and FLUX (FLUX.1 over CLIP-L and T5; dev embeds guidance, schnell runs without) are flow-matching transformers, which take only the flow samplers (euler, heun, dpmpp_2m). */
export type ModelFamily =
  | 'FLUX'
  | 'SD1'
  | 'SD2'
  | 'SD3'
  | 'SDXL';

export type Mutation = {
  __typename?: 'Mutation';
  /** Appends images to a collection, in the order given (images already in it keep their place). */
  addToCollection: Collection;
  /** Removes a queued job, or stops a running one between steps. */
  cancelGeneration: Generation;
  /** Admins: a new API key for the account `account`, which is created (with `role`, default USER) when it does not exist. The key is in the answer only. */
  createApiKey: CreatedApiKey;
  createCollection: Collection;
  /** Deletes a collection (its images stay in the library); returns its id. */
  deleteCollection: Scalars['ID']['output'];
  /** Deletes a finished (completed, failed or cancelled) generation with its images and their files. Its prompt stays in the library. */
  deleteGeneration: DeletedGeneration;
  /** Queues a text-to-image (or, with initImageId, image-to-image) job; returns at once with status QUEUED and its queue position. */
  generate: Generation;
  /** Reads the generation parameters of a PNG sent as a base64 data URL (AUTOMATIC1111, ComfyUI or InvokeAI metadata, like PNG Info) and adds the picture to the library; the same picture sent again is not added twice. */
  importImage: ImageImport;
  /** Admins: scans the model, LoRA, embedding and upscaler folders again now, without a restart (they are also rescanned by themselves when their files change). */
  refreshModels: InstalledFiles;
  /** Queues a stored image again with its exact parameters (its own seed and variation seed, batch size 1), changed by `overrides`; without overrides the new image is byte-identical to the stored one. Returns at once with status QUEUED, like `generate`. */
  remix: Generation;
  removeFromCollection: Collection;
  /** Sets the order of a collection: imageIds lists each of its images exactly once. */
  reorderCollection: Collection;
  /** Admins: revokes every key of the account; returns the keys revoked. The account's work stays. */
  revokeApiKeys: Array<ApiKey>;
  /** Marks an image a favorite, or not. */
  setFavorite: Image;
  /** Puts a generation of yours into the shared gallery (PUBLIC) or takes it out (PRIVATE). */
  setGenerationVisibility: Generation;
  /** Adds tags (case-insensitive; created as needed) to images; returns the images. */
  tagImages: Array<Image>;
  /** Removes tags from images (a tag no image carries any more is deleted); returns the images. */
  untagImages: Array<Image>;
  /** Renames a collection or changes its description. */
  updateCollection: Collection;
  /** Stores an image sent as a base64 data URL (PNG, JPEG, WebP, GIF, AVIF or TIFF; transparency is flattened on white), to start img2img generations from. */
  uploadImage: UploadedImage;
  /** Queues an upscale job (kind UPSCALE): a stored picture enlarged by an upscaler model in tiles, stored as a new image whose generation names its source (initImageId). Followed like any generation; its STEP events count tiles. */
  upscaleImage: Generation;
};


export type MutationAddToCollectionArgs = {
  collectionId: Scalars['ID']['input'];
  imageIds: Array<Scalars['ID']['input']>;
};


export type MutationCancelGenerationArgs = {
  id: Scalars['ID']['input'];
};


export type MutationCreateApiKeyArgs = {
  account: Scalars['String']['input'];
  role?: InputMaybe<Role>;
};


export type MutationCreateCollectionArgs = {
  input: CollectionInput;
};


export type MutationDeleteCollectionArgs = {
  id: Scalars['ID']['input'];
};


export type MutationDeleteGenerationArgs = {
  id: Scalars['ID']['input'];
};


export type MutationGenerateArgs = {
  input: GenerateInput;
};


export type MutationImportImageArgs = {
  dataUrl: Scalars['String']['input'];
};


export type MutationRemixArgs = {
  imageId: Scalars['ID']['input'];
  overrides?: InputMaybe<RemixInput>;
  visibility?: InputMaybe<Visibility>;
};


export type MutationRemoveFromCollectionArgs = {
  collectionId: Scalars['ID']['input'];
  imageIds: Array<Scalars['ID']['input']>;
};


export type MutationReorderCollectionArgs = {
  collectionId: Scalars['ID']['input'];
  imageIds: Array<Scalars['ID']['input']>;
};


export type MutationRevokeApiKeysArgs = {
  account: Scalars['String']['input'];
};


export type MutationSetFavoriteArgs = {
  favorite: Scalars['Boolean']['input'];
  imageId: Scalars['ID']['input'];
};


export type MutationSetGenerationVisibilityArgs = {
  id: Scalars['ID']['input'];
  visibility: Visibility;
};


export type MutationTagImagesArgs = {
  imageIds: Array<Scalars['ID']['input']>;
  tags: Array<Scalars['String']['input']>;
};


export type MutationUntagImagesArgs = {
  imageIds: Array<Scalars['ID']['input']>;
  tags: Array<Scalars['String']['input']>;
};


export type MutationUpdateCollectionArgs = {
  changes: CollectionChanges;
  id: Scalars['ID']['input'];
};


export type MutationUploadImageArgs = {
  dataUrl: Scalars['String']['input'];
};


export type MutationUpscaleImageArgs = {
  imageId: Scalars['ID']['input'];
  priority?: InputMaybe<Scalars['Int']['input']>;
  scale?: InputMaybe<Scalars['Float']['input']>;
  upscaler: Scalars['String']['input'];
  visibility?: InputMaybe<Visibility>;
};

export type PageInfo = {
  __typename?: 'PageInfo';
  /** The last item's cursor: pass it as `after` for the next page. Null on an empty page. */
  endCursor?: Maybe<Scalars['String']['output']>;
  /** Whether items follow this page. */
  hasNextPage: Scalars['Boolean']['output'];
};

/** What the UNet predicts (the scheduler config's prediction_type). */
export type PredictionType =
  | 'EPSILON'
  | 'SAMPLE'
  | 'V_PREDICTION';

/** LATENT2RGB: a fixed linear map of the latents (free, blurry). TAESD: the tiny autoencoder (sharp; needs ATELIER_TAESD_DIR). */
export type PreviewMethod =
  | 'LATENT2RGB'
  | 'TAESD';

/** A page of prompts (Relay cursor connection). */
export type PromptConnection = {
  __typename?: 'PromptConnection';
  edges: Array<PromptEdge>;
  pageInfo: PageInfo;
  /** Nodes in the whole list, not just this page (an estimate where totalCountIsExact is false). */
  totalCount: Scalars['Int']['output'];
  /** False when totalCount is an estimate: a text search ranks at most 500 matches of each of its lists (a hybrid one 200 of each word list), the most used (NEWEST: the newest), and counts a larger match from the database statistics, as search engines do. */
  totalCountIsExact: Scalars['Boolean']['output'];
};

export type PromptEdge = {
  __typename?: 'PromptEdge';
  /** The node's place in the list: pass it as `after` for the nodes after it. */
  cursor: Scalars['String']['output'];
  node: LibraryPrompt;
  /** Relevance (higher is better) when sorted by relevance; null otherwise. */
  score?: Maybe<Scalars['Float']['output']>;
};

export type Query = {
  __typename?: 'Query';
  /** Admins: every API key (without the keys themselves), by account. */
  apiKeys: Array<ApiKey>;
  /** One of your collections (an admin: any); null for any other id. */
  collection?: Maybe<Collection>;
  /** Your collections (admins too: their own), by name. */
  collections: CollectionConnection;
  /** Installed textual-inversion embeddings (ATELIER_EMBEDDINGS_DIR), by name: the words a prompt may use. */
  embeddings: Array<Embedding>;
  /** One of your generations, or a public one; null for any other id. */
  generation?: Maybe<Generation>;
  /** Your generations (an admin: every account's), newest first. */
  generations: GenerationConnection;
  /** Installed LoRAs (ATELIER_LORAS_DIR), by name: what GenerateInput.loras and `<lora:name:weight>` take. */
  loras: Array<Lora>;
  /** Installed models, with those that failed to load marked (usable: false). */
  models: Array<Model>;
  /** Prompts completing what was typed (most used first), typo-tolerant: for a prompt box. */
  promptSuggestions: Array<LibraryPrompt>;
  /** Samplers usable in GenerateInput.sampler. */
  samplers: Array<Sampler>;
  /** Searches the library's images: through their prompts (as searchPrompts) and their own properties (size, seed, tags, favorites, collection). */
  searchImages: ImageConnection;
  /** Searches the prompt library by words, typo-tolerantly, by meaning, or all at once (see SearchMode). */
  searchPrompts: PromptConnection;
  /** Images whose prompts are nearest in meaning to this image's prompt (the image itself left out; other images of the same prompt come first). */
  similarImages: ImageConnection;
  /** Prompts nearest in meaning to a stored prompt (itself left out), most similar first. */
  similarPrompts: PromptConnection;
  /** Tags in use, most used first; `prefix` narrows them (for a tag picker). */
  tags: Array<TagCount>;
  /** Files in ATELIER_EMBEDDINGS_DIR that cannot be used, and why. */
  unusableEmbeddings: Array<UnusableFile>;
  /** Files in ATELIER_LORAS_DIR that cannot be used (a pickle, a broken file, a name two files share), and why. */
  unusableLoras: Array<UnusableFile>;
  /** Files in ATELIER_UPSCALERS_DIR that cannot be used (a pickle, a file that is not an upscaler), and why. */
  unusableUpscalers: Array<UnusableFile>;
  /** Installed upscaler models (ATELIER_UPSCALERS_DIR), by name: what upscaleImage and hires.upscalerModel take. */
  upscalers: Array<Upscaler>;
  /** Who this request acts as, with the role and the limits that apply. */
  viewer: ViewerInfo;
};


export type QueryCollectionArgs = {
  id: Scalars['ID']['input'];
};


export type QueryCollectionsArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  first?: Scalars['Int']['input'];
};


export type QueryGenerationArgs = {
  id: Scalars['ID']['input'];
};


export type QueryGenerationsArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  first?: Scalars['Int']['input'];
};


export type QueryPromptSuggestionsArgs = {
  first?: Scalars['Int']['input'];
  prefix: Scalars['String']['input'];
  scope?: InputMaybe<SearchScope>;
};


export type QuerySearchImagesArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  first?: Scalars['Int']['input'];
  input?: InputMaybe<LibrarySearchInput>;
};


export type QuerySearchPromptsArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  first?: Scalars['Int']['input'];
  input?: InputMaybe<LibrarySearchInput>;
};


export type QuerySimilarImagesArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  filter?: InputMaybe<LibraryFilterInput>;
  first?: Scalars['Int']['input'];
  imageId: Scalars['ID']['input'];
};


export type QuerySimilarPromptsArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  filter?: InputMaybe<LibraryFilterInput>;
  first?: Scalars['Int']['input'];
  promptId: Scalars['ID']['input'];
};


export type QueryTagsArgs = {
  first?: Scalars['Int']['input'];
  prefix?: Scalars['String']['input'];
};

/** Changes for `remix`: every GenerateInput field, all optional. Left out: the remixed image's value (batchSize: 1). Null: what `generate` gives when the field is left out. Checked as in `generate`; errors name the field as `overrides.<field>`. */
export type RemixInput = {
  /** Images with consecutive seeds from `seed`, 1..8. Default: 1. */
  batchSize?: InputMaybe<Scalars['Int']['input']>;
  /** 0..1; only with an init image. */
  denoisingStrength?: InputMaybe<Scalars['Float']['input']>;
  /** 0..30. */
  guidanceScale?: InputMaybe<Scalars['Float']['input']>;
  /** A multiple of 8 in 64..2048. */
  height?: InputMaybe<Scalars['Int']['input']>;
  hires?: InputMaybe<HiresInput>;
  /** Another picture to start from; null for text-to-image. */
  initImageId?: InputMaybe<Scalars['ID']['input']>;
  /** The LoRAs to apply instead of the remixed generation's (an empty list: none). Default: its LoRAs, less those a new prompt's `<lora:...>` tags name again. */
  loras?: InputMaybe<Array<LoraInput>>;
  /** Another uploaded mask; null for none. */
  maskImageId?: InputMaybe<Scalars['ID']['input']>;
  /** Another model; the other parameters stay as they were unless given (null: the new model's defaults). */
  model?: InputMaybe<Scalars['String']['input']>;
  negativePrompt?: InputMaybe<Scalars['String']['input']>;
  previewMethod?: InputMaybe<PreviewMethod>;
  /** -100..100 (users: -100..0). Default: the remixed generation's priority. */
  priority?: InputMaybe<Scalars['Int']['input']>;
  /** A new prompt; Midjourney-style parameters at its end apply as in `generate`. */
  prompt?: InputMaybe<Scalars['String']['input']>;
  sampler?: InputMaybe<Scalars['String']['input']>;
  /** Seed of the first image. Default: the remixed image's own seed. */
  seed?: InputMaybe<Scalars['Seed']['input']>;
  /** 1..150. */
  steps?: InputMaybe<Scalars['Int']['input']>;
  /** Default: the remixed image's own variation seed, when it had one. */
  variationSeed?: InputMaybe<Scalars['Seed']['input']>;
  /** 0..1. */
  variationStrength?: InputMaybe<Scalars['Float']['input']>;
  /** A multiple of 8 in 64..2048. */
  width?: InputMaybe<Scalars['Int']['input']>;
};

/** ADMIN: sees and manages every account's work and the API keys. USER: sees and touches only their own work (and the public gallery). */
export type Role =
  | 'ADMIN'
  | 'USER';

/** A sampler (diffusers scheduler) usable in GenerateInput.sampler. */
export type Sampler = {
  __typename?: 'Sampler';
  /** Name as AUTOMATIC1111 shows it, e.g. "Euler"; written into PNG metadata. */
  label: Scalars['String']['output'];
  /** Stable API name, e.g. "euler". */
  name: Scalars['String']['output'];
};

/** WORDS: full text with stemming and web-search syntax ("a phrase", -exclude, or). FUZZY: each word matched typo-tolerantly (trigrams), the last one also as a prefix. SEMANTIC: by meaning (CLIP text embeddings, cosine similarity; the 200 nearest prompts). HYBRID (default): all of them, merged by reciprocal rank fusion. -exclusions apply in every mode. */
export type SearchMode =
  | 'FUZZY'
  | 'HYBRID'
  | 'SEMANTIC'
  | 'WORDS';

/** Whose work a search looks at. MINE (default): your own (an admin's own is every account's). PUBLIC: the shared gallery, public generations of every account. ALL: yours and the gallery. */
export type SearchScope =
  | 'ALL'
  | 'MINE'
  | 'PUBLIC';

export type Subscription = {
  __typename?: 'Subscription';
  /** Every event of one generation; a late subscriber first receives the current state. Ends after COMPLETED, FAILED or CANCELLED. */
  generationEvents: GenerationEvent;
};


export type SubscriptionGenerationEventsArgs = {
  id: Scalars['ID']['input'];
};

/** A tag and how many images carry it. */
export type TagCount = {
  __typename?: 'TagCount';
  /** Your images carrying it (an admin: every account's). */
  imageCount: Scalars['Int']['output'];
  /** The tag as stored: trimmed and lower-cased. */
  name: Scalars['String']['output'];
};

/** A file in ATELIER_LORAS_DIR or ATELIER_EMBEDDINGS_DIR that cannot be used, and why. */
export type UnusableFile = {
  __typename?: 'UnusableFile';
  /** Its path inside its folder. */
  file: Scalars['String']['output'];
  name: Scalars['String']['output'];
  problem: Scalars['String']['output'];
};

/** An image a client uploaded, to use as initImageId in generate (img2img). */
export type UploadedImage = {
  __typename?: 'UploadedImage';
  /** In pixels. */
  height: Scalars['Int']['output'];
  /** What GenerateInput.initImageId and maskImageId take. */
  id: Scalars['ID']['output'];
  /** SHA-256 of the stored PNG bytes. */
  sha256: Scalars['String']['output'];
  /** Where to download it, as a PNG (relative to the server unless ATELIER_PUBLIC_URL is set). */
  url: Scalars['String']['output'];
  /** In pixels. */
  width: Scalars['Int']['output'];
};

/** What an upscale job ran: its source is initImageId, its result is width x height. */
export type UpscalePass = {
  __typename?: 'UpscalePass';
  /** The factor asked for. */
  scale: Scalars['Float']['output'];
  upscaler: Scalars['String']['output'];
};

/** An installed upscaler model (ATELIER_UPSCALERS_DIR): an ONNX super-resolution network (ESRGAN, Real-ESRGAN, 4x-UltraSharp exports). */
export type Upscaler = {
  __typename?: 'Upscaler';
  /** The first 12 hex digits of the file's sha256. */
  hash: Scalars['String']['output'];
  /** What upscaleImage and hires.upscalerModel take: the file name without .onnx. */
  name: Scalars['String']['output'];
  /** How much larger one run makes each side (read from a test run). Other factors run it again and resize with Lanczos. */
  scale: Scalars['Int']['output'];
};

/** Who the request acts as: the account of its API key (with auth off, the built-in admin `local`). */
export type ViewerInfo = {
  __typename?: 'ViewerInfo';
  id: Scalars['ID']['output'];
  limits: ViewerLimits;
  /** Unique: what createApiKey and revokeApiKeys take as `account`. The built-in admin is `local`. */
  name: Scalars['String']['output'];
  role: Role;
};

/** The limits that apply to the viewer, and how much of them is used now. */
export type ViewerLimits = {
  __typename?: 'ViewerLimits';
  /** Your jobs queued in the last 60 seconds. */
  jobsLastMinute: Scalars['Int']['output'];
  /** The most one job may cost: width x height x steps x batchSize, where 512x512 x 20 steps x 1 image costs 1 (BAD_USER_INPUT on `cost` beyond). */
  maxJobCost: Scalars['Float']['output'];
  /** Jobs one USER account may queue in any 60 seconds (RATE_LIMITED with retryAfter beyond); admins are not counted. */
  maxJobsPerMinute: Scalars['Int']['output'];
  /** The highest priority you may give a job: 100 for admins, 0 for users. */
  maxPriority: Scalars['Int']['output'];
  /** Jobs the server queue holds at most, for all accounts together (QUEUE_FULL beyond). */
  maxQueuedJobs: Scalars['Int']['output'];
  /** Jobs one USER account may have queued at once (QUEUE_FULL, reason ACCOUNT_QUEUE_FULL, beyond); admins are bound by maxQueuedJobs only. */
  maxQueuedJobsPerAccount: Scalars['Int']['output'];
  /** Your jobs queued now (not yet running). */
  queuedJobs: Scalars['Int']['output'];
  /** GraphQL HTTP requests per minute (per account; per client address with auth off); the x-ratelimit-* headers count them. */
  requestsPerMinute: Scalars['Int']['output'];
};

/** PRIVATE (default): only its owner (and admins) see it. PUBLIC: in the shared gallery, which every account can search, view and remix. */
export type Visibility =
  | 'PRIVATE'
  | 'PUBLIC';

export type ViewerQueryVariables = Exact<{ [key: string]: never; }>;


export type ViewerQuery = { __typename?: 'Query', viewer: { __typename?: 'ViewerInfo', id: string, name: string, role: Role, limits: { __typename?: 'ViewerLimits', maxQueuedJobs: number } } };

export type ApiKeyFieldsFragment = { __typename?: 'ApiKey', id: string, prefix: string, createdAt: string, revokedAt?: string | null, account: { __typename?: 'Account', id: string, name: string, role: Role } };

export type ApiKeysQueryVariables = Exact<{ [key: string]: never; }>;


export type ApiKeysQuery = { __typename?: 'Query', apiKeys: Array<{ __typename?: 'ApiKey', id: string, prefix: string, createdAt: string, revokedAt?: string | null, account: { __typename?: 'Account', id: string, name: string, role: Role } }> };

export type CreateApiKeyMutationVariables = Exact<{
  account: Scalars['String']['input'];
  role?: InputMaybe<Role>;
}>;


export type CreateApiKeyMutation = { __typename?: 'Mutation', createApiKey: { __typename?: 'CreatedApiKey', key: string, apiKey: { __typename?: 'ApiKey', id: string, prefix: string, createdAt: string, revokedAt?: string | null, account: { __typename?: 'Account', id: string, name: string, role: Role } } } };

export type RevokeApiKeysMutationVariables = Exact<{
  account: Scalars['String']['input'];
}>;


export type RevokeApiKeysMutation = { __typename?: 'Mutation', revokeApiKeys: Array<{ __typename?: 'ApiKey', id: string, prefix: string, createdAt: string, revokedAt?: string | null, account: { __typename?: 'Account', id: string, name: string, role: Role } }> };

export type SetGenerationVisibilityMutationVariables = Exact<{
  id: Scalars['ID']['input'];
  visibility: Visibility;
}>;


export type SetGenerationVisibilityMutation = { __typename?: 'Mutation', setGenerationVisibility: { __typename?: 'Generation', id: string, visibility: Visibility } };

export type RemixVisibleMutationVariables = Exact<{
  imageId: Scalars['ID']['input'];
  visibility?: InputMaybe<Visibility>;
}>;


export type RemixVisibleMutation = { __typename?: 'Mutation', remix: { __typename?: 'Generation', id: string, visibility: Visibility, remixOfImageId?: string | null } };

export type PromptSuggestionsScopedQueryVariables = Exact<{
  prefix: Scalars['String']['input'];
  scope?: InputMaybe<SearchScope>;
}>;


export type PromptSuggestionsScopedQuery = { __typename?: 'Query', promptSuggestions: Array<{ __typename?: 'LibraryPrompt', id: string, text: string }> };

export type PromptImagesQueryVariables = Exact<{
  input?: InputMaybe<LibrarySearchInput>;
}>;


export type PromptImagesQuery = { __typename?: 'Query', searchPrompts: { __typename?: 'PromptConnection', edges: Array<{ __typename?: 'PromptEdge', node: { __typename?: 'LibraryPrompt', id: string, text: string, images: Array<{ __typename?: 'Image', id: string, favorite: boolean, tags: Array<string> }> } }> } };

export type ImageFieldsFragment = { __typename?: 'Image', id: string, url: string, thumbnailUrl: string, index: number, seed: string, width: number, height: number, sha256: string, nsfw: boolean };

export type GenerationFieldsFragment = { __typename?: 'Generation', id: string, status: GenerationStatus, prompt: string, negativePrompt: string, model: string, sampler: string, steps: number, guidanceScale: number, width: number, height: number, seed: string, variationSeed?: string | null, variationStrength: number, initImageId?: string | null, maskImageId?: string | null, denoisingStrength?: number | null, batchSize: number, kind: GenerationKind, remixOfImageId?: string | null, previewMethod: PreviewMethod, priority: number, queuePosition?: number | null, error?: string | null, warnings: Array<string>, createdAt: string, startedAt?: string | null, finishedAt?: string | null, loras: Array<{ __typename?: 'AppliedLora', name: string, weight: number, hash: string }>, hires?: { __typename?: 'HiresPass', scale?: number | null, width: number, height: number, steps: number, denoisingStrength: number, upscaler: HiresUpscaler, upscalerModel?: string | null } | null, upscale?: { __typename?: 'UpscalePass', upscaler: string, scale: number } | null, images: Array<{ __typename?: 'Image', id: string, url: string, thumbnailUrl: string, index: number, seed: string, width: number, height: number, sha256: string, nsfw: boolean }> };

export type GenerateMutationVariables = Exact<{
  input: GenerateInput;
}>;


export type GenerateMutation = { __typename?: 'Mutation', generate: { __typename?: 'Generation', id: string, status: GenerationStatus, prompt: string, negativePrompt: string, model: string, sampler: string, steps: number, guidanceScale: number, width: number, height: number, seed: string, variationSeed?: string | null, variationStrength: number, initImageId?: string | null, maskImageId?: string | null, denoisingStrength?: number | null, batchSize: number, kind: GenerationKind, remixOfImageId?: string | null, previewMethod: PreviewMethod, priority: number, queuePosition?: number | null, error?: string | null, warnings: Array<string>, createdAt: string, startedAt?: string | null, finishedAt?: string | null, loras: Array<{ __typename?: 'AppliedLora', name: string, weight: number, hash: string }>, hires?: { __typename?: 'HiresPass', scale?: number | null, width: number, height: number, steps: number, denoisingStrength: number, upscaler: HiresUpscaler, upscalerModel?: string | null } | null, upscale?: { __typename?: 'UpscalePass', upscaler: string, scale: number } | null, images: Array<{ __typename?: 'Image', id: string, url: string, thumbnailUrl: string, index: number, seed: string, width: number, height: number, sha256: string, nsfw: boolean }> } };

export type UpscaleImageMutationVariables = Exact<{
  imageId: Scalars['ID']['input'];
  upscaler: Scalars['String']['input'];
  scale?: InputMaybe<Scalars['Float']['input']>;
}>;


export type UpscaleImageMutation = { __typename?: 'Mutation', upscaleImage: { __typename?: 'Generation', id: string, status: GenerationStatus, prompt: string, negativePrompt: string, model: string, sampler: string, steps: number, guidanceScale: number, width: number, height: number, seed: string, variationSeed?: string | null, variationStrength: number, initImageId?: string | null, maskImageId?: string | null, denoisingStrength?: number | null, batchSize: number, kind: GenerationKind, remixOfImageId?: string | null, previewMethod: PreviewMethod, priority: number, queuePosition?: number | null, error?: string | null, warnings: Array<string>, createdAt: string, startedAt?: string | null, finishedAt?: string | null, loras: Array<{ __typename?: 'AppliedLora', name: string, weight: number, hash: string }>, hires?: { __typename?: 'HiresPass', scale?: number | null, width: number, height: number, steps: number, denoisingStrength: number, upscaler: HiresUpscaler, upscalerModel?: string | null } | null, upscale?: { __typename?: 'UpscalePass', upscaler: string, scale: number } | null, images: Array<{ __typename?: 'Image', id: string, url: string, thumbnailUrl: string, index: number, seed: string, width: number, height: number, sha256: string, nsfw: boolean }> } };

export type UpscalersQueryVariables = Exact<{ [key: string]: never; }>;


export type UpscalersQuery = { __typename?: 'Query', upscalers: Array<{ __typename?: 'Upscaler', name: string, scale: number, hash: string }>, unusableUpscalers: Array<{ __typename?: 'UnusableFile', name: string, file: string, problem: string }> };

export type RemixMutationVariables = Exact<{
  imageId: Scalars['ID']['input'];
  overrides?: InputMaybe<RemixInput>;
}>;


export type RemixMutation = { __typename?: 'Mutation', remix: { __typename?: 'Generation', id: string, status: GenerationStatus, prompt: string, negativePrompt: string, model: string, sampler: string, steps: number, guidanceScale: number, width: number, height: number, seed: string, variationSeed?: string | null, variationStrength: number, initImageId?: string | null, maskImageId?: string | null, denoisingStrength?: number | null, batchSize: number, kind: GenerationKind, remixOfImageId?: string | null, previewMethod: PreviewMethod, priority: number, queuePosition?: number | null, error?: string | null, warnings: Array<string>, createdAt: string, startedAt?: string | null, finishedAt?: string | null, loras: Array<{ __typename?: 'AppliedLora', name: string, weight: number, hash: string }>, hires?: { __typename?: 'HiresPass', scale?: number | null, width: number, height: number, steps: number, denoisingStrength: number, upscaler: HiresUpscaler, upscalerModel?: string | null } | null, upscale?: { __typename?: 'UpscalePass', upscaler: string, scale: number } | null, images: Array<{ __typename?: 'Image', id: string, url: string, thumbnailUrl: string, index: number, seed: string, width: number, height: number, sha256: string, nsfw: boolean }> } };

export type CancelGenerationMutationVariables = Exact<{
  id: Scalars['ID']['input'];
}>;


export type CancelGenerationMutation = { __typename?: 'Mutation', cancelGeneration: { __typename?: 'Generation', id: string, status: GenerationStatus, prompt: string, negativePrompt: string, model: string, sampler: string, steps: number, guidanceScale: number, width: number, height: number, seed: string, variationSeed?: string | null, variationStrength: number, initImageId?: string | null, maskImageId?: string | null, denoisingStrength?: number | null, batchSize: number, kind: GenerationKind, remixOfImageId?: string | null, previewMethod: PreviewMethod, priority: number, queuePosition?: number | null, error?: string | null, warnings: Array<string>, createdAt: string, startedAt?: string | null, finishedAt?: string | null, loras: Array<{ __typename?: 'AppliedLora', name: string, weight: number, hash: string }>, hires?: { __typename?: 'HiresPass', scale?: number | null, width: number, height: number, steps: number, denoisingStrength: number, upscaler: HiresUpscaler, upscalerModel?: string | null } | null, upscale?: { __typename?: 'UpscalePass', upscaler: string, scale: number } | null, images: Array<{ __typename?: 'Image', id: string, url: string, thumbnailUrl: string, index: number, seed: string, width: number, height: number, sha256: string, nsfw: boolean }> } };

export type GenerationQueryVariables = Exact<{
  id: Scalars['ID']['input'];
}>;


export type GenerationQuery = { __typename?: 'Query', generation?: { __typename?: 'Generation', id: string, status: GenerationStatus, prompt: string, negativePrompt: string, model: string, sampler: string, steps: number, guidanceScale: number, width: number, height: number, seed: string, variationSeed?: string | null, variationStrength: number, initImageId?: string | null, maskImageId?: string | null, denoisingStrength?: number | null, batchSize: number, kind: GenerationKind, remixOfImageId?: string | null, previewMethod: PreviewMethod, priority: number, queuePosition?: number | null, error?: string | null, warnings: Array<string>, createdAt: string, startedAt?: string | null, finishedAt?: string | null, loras: Array<{ __typename?: 'AppliedLora', name: string, weight: number, hash: string }>, hires?: { __typename?: 'HiresPass', scale?: number | null, width: number, height: number, steps: number, denoisingStrength: number, upscaler: HiresUpscaler, upscalerModel?: string | null } | null, upscale?: { __typename?: 'UpscalePass', upscaler: string, scale: number } | null, images: Array<{ __typename?: 'Image', id: string, url: string, thumbnailUrl: string, index: number, seed: string, width: number, height: number, sha256: string, nsfw: boolean }> } | null };

export type GenerationsQueryVariables = Exact<{
  first: Scalars['Int']['input'];
  after?: InputMaybe<Scalars['String']['input']>;
}>;


export type GenerationsQuery = { __typename?: 'Query', generations: { __typename?: 'GenerationConnection', totalCount: number, edges: Array<{ __typename?: 'GenerationEdge', cursor: string, node: { __typename?: 'Generation', id: string, prompt: string, status: GenerationStatus } }>, pageInfo: { __typename?: 'PageInfo', hasNextPage: boolean, endCursor?: string | null } } };

export type CatalogQueryVariables = Exact<{ [key: string]: never; }>;


export type CatalogQuery = { __typename?: 'Query', models: Array<{ __typename?: 'Model', name: string, pipelineClass: string, defaultSize: number, isDefault: boolean, usable: boolean, problem?: string | null, family: ModelFamily, distillation: Distillation, predictionType: PredictionType, inpainting: boolean, defaults: { __typename?: 'ModelDefaults', sampler: string, steps: number, guidanceScale: number } }>, samplers: Array<{ __typename?: 'Sampler', name: string, label: string }> };

export type GenerationEventsSubscriptionVariables = Exact<{
  id: Scalars['ID']['input'];
}>;


export type GenerationEventsSubscription = { __typename?: 'Subscription', generationEvents:
    | { __typename: 'GenerationCancelled', type: GenerationEventType, generationId: string }
    | { __typename: 'GenerationCompleted', warnings: Array<string>, type: GenerationEventType, generationId: string }
    | { __typename: 'GenerationFailed', message: string, type: GenerationEventType, generationId: string }
    | { __typename: 'GenerationImage', type: GenerationEventType, generationId: string, image: { __typename?: 'Image', id: string, url: string, thumbnailUrl: string, index: number, seed: string, width: number, height: number, sha256: string, nsfw: boolean } }
    | { __typename: 'GenerationQueued', position: number, type: GenerationEventType, generationId: string }
    | { __typename: 'GenerationStarted', type: GenerationEventType, generationId: string }
    | { __typename: 'GenerationStep', step: number, totalSteps: number, pass: number, preview?: string | null, type: GenerationEventType, generationId: string }
   };

export type UploadImageMutationVariables = Exact<{
  dataUrl: Scalars['String']['input'];
}>;


export type UploadImageMutation = { __typename?: 'Mutation', uploadImage: { __typename?: 'UploadedImage', id: string, url: string, width: number, height: number, sha256: string } };

export type DeleteGenerationMutationVariables = Exact<{
  id: Scalars['ID']['input'];
}>;


export type DeleteGenerationMutation = { __typename?: 'Mutation', deleteGeneration: { __typename?: 'DeletedGeneration', id: string, removedFiles: number } };

export type GenerateFourMutationVariables = Exact<{
  a: GenerateInput;
  b: GenerateInput;
  c: GenerateInput;
  d: GenerateInput;
}>;


export type GenerateFourMutation = { __typename?: 'Mutation', a: { __typename?: 'Generation', id: string }, b: { __typename?: 'Generation', id: string }, c: { __typename?: 'Generation', id: string }, d: { __typename?: 'Generation', id: string } };

export type ImportImageMutationVariables = Exact<{
  dataUrl: Scalars['String']['input'];
}>;


export type ImportImageMutation = { __typename?: 'Mutation', importImage: { __typename?: 'ImageImport', format: MetadataFormat, prompt: string, negativePrompt: string, seed?: string | null, steps?: number | null, guidanceScale?: number | null, sampler?: string | null, width?: number | null, height?: number | null, model?: string | null, raw: string, alreadyInLibrary: boolean, generationId: string, image: { __typename?: 'Image', id: string, url: string, thumbnailUrl: string, index: number, seed: string, width: number, height: number, sha256: string, nsfw: boolean } } };

export type SearchPromptsQueryVariables = Exact<{
  input?: InputMaybe<LibrarySearchInput>;
  first?: InputMaybe<Scalars['Int']['input']>;
  after?: InputMaybe<Scalars['String']['input']>;
}>;


export type SearchPromptsQuery = { __typename?: 'Query', searchPrompts: { __typename?: 'PromptConnection', totalCount: number, totalCountIsExact: boolean, edges: Array<{ __typename?: 'PromptEdge', cursor: string, score?: number | null, node: { __typename?: 'LibraryPrompt', id: string, text: string, useCount: number, createdAt: string, lastUsedAt: string } }>, pageInfo: { __typename?: 'PageInfo', hasNextPage: boolean, endCursor?: string | null } } };

export type PromptSuggestionsQueryVariables = Exact<{
  prefix: Scalars['String']['input'];
  first?: InputMaybe<Scalars['Int']['input']>;
}>;


export type PromptSuggestionsQuery = { __typename?: 'Query', promptSuggestions: Array<{ __typename?: 'LibraryPrompt', id: string, text: string, useCount: number }> };

export type LibraryImageFieldsFragment = { __typename?: 'Image', id: string, url: string, thumbnailUrl: string, seed: string, width: number, height: number, nsfw: boolean, favorite: boolean, favoritedAt?: string | null, tags: Array<string>, prompt: { __typename?: 'LibraryPrompt', id: string, text: string, useCount: number }, generation: { __typename?: 'Generation', id: string, model: string, sampler: string, steps: number, seed: string } };

export type SearchImagesQueryVariables = Exact<{
  input?: InputMaybe<LibrarySearchInput>;
  first?: InputMaybe<Scalars['Int']['input']>;
  after?: InputMaybe<Scalars['String']['input']>;
}>;


export type SearchImagesQuery = { __typename?: 'Query', searchImages: { __typename?: 'ImageConnection', totalCount: number, edges: Array<{ __typename?: 'ImageEdge', cursor: string, score?: number | null, node: { __typename?: 'Image', id: string, url: string, thumbnailUrl: string, seed: string, width: number, height: number, nsfw: boolean, favorite: boolean, favoritedAt?: string | null, tags: Array<string>, prompt: { __typename?: 'LibraryPrompt', id: string, text: string, useCount: number }, generation: { __typename?: 'Generation', id: string, model: string, sampler: string, steps: number, seed: string } } }>, pageInfo: { __typename?: 'PageInfo', hasNextPage: boolean, endCursor?: string | null } } };

export type SearchPromptsWithImagesQueryVariables = Exact<{
  input?: InputMaybe<LibrarySearchInput>;
  first?: InputMaybe<Scalars['Int']['input']>;
  imagesPerPrompt?: InputMaybe<Scalars['Int']['input']>;
}>;


export type SearchPromptsWithImagesQuery = { __typename?: 'Query', searchPrompts: { __typename?: 'PromptConnection', totalCount: number, edges: Array<{ __typename?: 'PromptEdge', node: { __typename?: 'LibraryPrompt', id: string, text: string, images: Array<{ __typename?: 'Image', id: string, url: string, thumbnailUrl: string, seed: string, width: number, height: number, nsfw: boolean, favorite: boolean, favoritedAt?: string | null, tags: Array<string>, prompt: { __typename?: 'LibraryPrompt', id: string, text: string, useCount: number }, generation: { __typename?: 'Generation', id: string, model: string, sampler: string, steps: number, seed: string } }> } }> } };

export type SimilarPromptsQueryVariables = Exact<{
  promptId: Scalars['ID']['input'];
  filter?: InputMaybe<LibraryFilterInput>;
  first?: InputMaybe<Scalars['Int']['input']>;
  after?: InputMaybe<Scalars['String']['input']>;
}>;


export type SimilarPromptsQuery = { __typename?: 'Query', similarPrompts: { __typename?: 'PromptConnection', totalCount: number, edges: Array<{ __typename?: 'PromptEdge', score?: number | null, node: { __typename?: 'LibraryPrompt', id: string, text: string } }>, pageInfo: { __typename?: 'PageInfo', hasNextPage: boolean, endCursor?: string | null } } };

export type SimilarImagesQueryVariables = Exact<{
  imageId: Scalars['ID']['input'];
  filter?: InputMaybe<LibraryFilterInput>;
  first?: InputMaybe<Scalars['Int']['input']>;
}>;


export type SimilarImagesQuery = { __typename?: 'Query', similarImages: { __typename?: 'ImageConnection', totalCount: number, edges: Array<{ __typename?: 'ImageEdge', score?: number | null, node: { __typename?: 'Image', id: string, prompt: { __typename?: 'LibraryPrompt', text: string } } }> } };

export type TagImagesMutationVariables = Exact<{
  imageIds: Array<Scalars['ID']['input']> | Scalars['ID']['input'];
  tags: Array<Scalars['String']['input']> | Scalars['String']['input'];
}>;


export type TagImagesMutation = { __typename?: 'Mutation', tagImages: Array<{ __typename?: 'Image', id: string, tags: Array<string> }> };

export type UntagImagesMutationVariables = Exact<{
  imageIds: Array<Scalars['ID']['input']> | Scalars['ID']['input'];
  tags: Array<Scalars['String']['input']> | Scalars['String']['input'];
}>;


export type UntagImagesMutation = { __typename?: 'Mutation', untagImages: Array<{ __typename?: 'Image', id: string, tags: Array<string> }> };

export type SetFavoriteMutationVariables = Exact<{
  imageId: Scalars['ID']['input'];
  favorite: Scalars['Boolean']['input'];
}>;


export type SetFavoriteMutation = { __typename?: 'Mutation', setFavorite: { __typename?: 'Image', id: string, favorite: boolean, favoritedAt?: string | null } };

export type TagsQueryVariables = Exact<{
  prefix?: InputMaybe<Scalars['String']['input']>;
  first?: InputMaybe<Scalars['Int']['input']>;
}>;


export type TagsQuery = { __typename?: 'Query', tags: Array<{ __typename?: 'TagCount', name: string, imageCount: number }> };

export type CollectionFieldsFragment = { __typename?: 'Collection', id: string, name: string, description: string, imageCount: number, images: { __typename?: 'ImageConnection', totalCount: number, edges: Array<{ __typename?: 'ImageEdge', cursor: string, node: { __typename?: 'Image', id: string } }>, pageInfo: { __typename?: 'PageInfo', hasNextPage: boolean, endCursor?: string | null } } };

export type CreateCollectionMutationVariables = Exact<{
  input: CollectionInput;
  imagesFirst?: InputMaybe<Scalars['Int']['input']>;
  imagesAfter?: InputMaybe<Scalars['String']['input']>;
}>;


export type CreateCollectionMutation = { __typename?: 'Mutation', createCollection: { __typename?: 'Collection', id: string, name: string, description: string, imageCount: number, images: { __typename?: 'ImageConnection', totalCount: number, edges: Array<{ __typename?: 'ImageEdge', cursor: string, node: { __typename?: 'Image', id: string } }>, pageInfo: { __typename?: 'PageInfo', hasNextPage: boolean, endCursor?: string | null } } } };

export type UpdateCollectionMutationVariables = Exact<{
  id: Scalars['ID']['input'];
  changes: CollectionChanges;
  imagesFirst?: InputMaybe<Scalars['Int']['input']>;
  imagesAfter?: InputMaybe<Scalars['String']['input']>;
}>;


export type UpdateCollectionMutation = { __typename?: 'Mutation', updateCollection: { __typename?: 'Collection', id: string, name: string, description: string, imageCount: number, images: { __typename?: 'ImageConnection', totalCount: number, edges: Array<{ __typename?: 'ImageEdge', cursor: string, node: { __typename?: 'Image', id: string } }>, pageInfo: { __typename?: 'PageInfo', hasNextPage: boolean, endCursor?: string | null } } } };

export type AddToCollectionMutationVariables = Exact<{
  collectionId: Scalars['ID']['input'];
  imageIds: Array<Scalars['ID']['input']> | Scalars['ID']['input'];
  imagesFirst?: InputMaybe<Scalars['Int']['input']>;
  imagesAfter?: InputMaybe<Scalars['String']['input']>;
}>;


export type AddToCollectionMutation = { __typename?: 'Mutation', addToCollection: { __typename?: 'Collection', id: string, name: string, description: string, imageCount: number, images: { __typename?: 'ImageConnection', totalCount: number, edges: Array<{ __typename?: 'ImageEdge', cursor: string, node: { __typename?: 'Image', id: string } }>, pageInfo: { __typename?: 'PageInfo', hasNextPage: boolean, endCursor?: string | null } } } };

export type RemoveFromCollectionMutationVariables = Exact<{
  collectionId: Scalars['ID']['input'];
  imageIds: Array<Scalars['ID']['input']> | Scalars['ID']['input'];
  imagesFirst?: InputMaybe<Scalars['Int']['input']>;
  imagesAfter?: InputMaybe<Scalars['String']['input']>;
}>;


export type RemoveFromCollectionMutation = { __typename?: 'Mutation', removeFromCollection: { __typename?: 'Collection', id: string, name: string, description: string, imageCount: number, images: { __typename?: 'ImageConnection', totalCount: number, edges: Array<{ __typename?: 'ImageEdge', cursor: string, node: { __typename?: 'Image', id: string } }>, pageInfo: { __typename?: 'PageInfo', hasNextPage: boolean, endCursor?: string | null } } } };

export type ReorderCollectionMutationVariables = Exact<{
  collectionId: Scalars['ID']['input'];
  imageIds: Array<Scalars['ID']['input']> | Scalars['ID']['input'];
  imagesFirst?: InputMaybe<Scalars['Int']['input']>;
  imagesAfter?: InputMaybe<Scalars['String']['input']>;
}>;


export type ReorderCollectionMutation = { __typename?: 'Mutation', reorderCollection: { __typename?: 'Collection', id: string, name: string, description: string, imageCount: number, images: { __typename?: 'ImageConnection', totalCount: number, edges: Array<{ __typename?: 'ImageEdge', cursor: string, node: { __typename?: 'Image', id: string } }>, pageInfo: { __typename?: 'PageInfo', hasNextPage: boolean, endCursor?: string | null } } } };

export type DeleteCollectionMutationVariables = Exact<{
  id: Scalars['ID']['input'];
}>;


export type DeleteCollectionMutation = { __typename?: 'Mutation', deleteCollection: string };

export type CollectionQueryVariables = Exact<{
  id: Scalars['ID']['input'];
  imagesFirst?: InputMaybe<Scalars['Int']['input']>;
  imagesAfter?: InputMaybe<Scalars['String']['input']>;
}>;


export type CollectionQuery = { __typename?: 'Query', collection?: { __typename?: 'Collection', id: string, name: string, description: string, imageCount: number, images: { __typename?: 'ImageConnection', totalCount: number, edges: Array<{ __typename?: 'ImageEdge', cursor: string, node: { __typename?: 'Image', id: string } }>, pageInfo: { __typename?: 'PageInfo', hasNextPage: boolean, endCursor?: string | null } } } | null };

export type CollectionsQueryVariables = Exact<{
  first?: InputMaybe<Scalars['Int']['input']>;
  after?: InputMaybe<Scalars['String']['input']>;
  imagesFirst?: InputMaybe<Scalars['Int']['input']>;
  imagesAfter?: InputMaybe<Scalars['String']['input']>;
}>;


export type CollectionsQuery = { __typename?: 'Query', collections: { __typename?: 'CollectionConnection', totalCount: number, edges: Array<{ __typename?: 'CollectionEdge', cursor: string, node: { __typename?: 'Collection', id: string, name: string, description: string, imageCount: number, images: { __typename?: 'ImageConnection', totalCount: number, edges: Array<{ __typename?: 'ImageEdge', cursor: string, node: { __typename?: 'Image', id: string } }>, pageInfo: { __typename?: 'PageInfo', hasNextPage: boolean, endCursor?: string | null } } } }>, pageInfo: { __typename?: 'PageInfo', hasNextPage: boolean, endCursor?: string | null } } };

export type ViewerLimitsQueryVariables = Exact<{ [key: string]: never; }>;


export type ViewerLimitsQuery = { __typename?: 'Query', viewer: { __typename?: 'ViewerInfo', name: string, role: Role, limits: { __typename?: 'ViewerLimits', maxQueuedJobs: number, maxQueuedJobsPerAccount: number, queuedJobs: number, maxJobsPerMinute: number, jobsLastMinute: number, maxJobCost: number, maxPriority: number, requestsPerMinute: number } } };

export type LoadedPipelineFieldsFragment = { __typename?: 'LoadedPipeline', node: string, worker: number, model: string, bytes: number, loras: Array<{ __typename?: 'LoraWeight', name: string, weight: number }> };

export type LoraFieldsFragment = { __typename?: 'Lora', name: string, family?: ModelFamily | null, baseModel?: string | null, triggerWords: Array<string>, preview?: string | null, sizeBytes: number, hash: string, loadedOn: Array<{ __typename?: 'LoadedPipeline', node: string, worker: number, model: string, bytes: number, loras: Array<{ __typename?: 'LoraWeight', name: string, weight: number }> }> };

export type LorasQueryVariables = Exact<{ [key: string]: never; }>;


export type LorasQuery = { __typename?: 'Query', loras: Array<{ __typename?: 'Lora', name: string, family?: ModelFamily | null, baseModel?: string | null, triggerWords: Array<string>, preview?: string | null, sizeBytes: number, hash: string, loadedOn: Array<{ __typename?: 'LoadedPipeline', node: string, worker: number, model: string, bytes: number, loras: Array<{ __typename?: 'LoraWeight', name: string, weight: number }> }> }>, unusableLoras: Array<{ __typename?: 'UnusableFile', name: string, file: string, problem: string }>, models: Array<{ __typename?: 'Model', name: string, loadedOn: Array<{ __typename?: 'LoadedPipeline', node: string, worker: number, model: string, bytes: number, loras: Array<{ __typename?: 'LoraWeight', name: string, weight: number }> }> }> };

export type RefreshModelsMutationVariables = Exact<{ [key: string]: never; }>;


export type RefreshModelsMutation = { __typename?: 'Mutation', refreshModels: { __typename?: 'InstalledFiles', models: Array<{ __typename?: 'Model', name: string }>, loras: Array<{ __typename?: 'Lora', name: string, hash: string }> } };

export type EmbeddingsQueryVariables = Exact<{ [key: string]: never; }>;


export type EmbeddingsQuery = { __typename?: 'Query', embeddings: Array<{ __typename?: 'Embedding', name: string, family?: ModelFamily | null, vectors: number, sizeBytes: number, hash: string }>, unusableEmbeddings: Array<{ __typename?: 'UnusableFile', name: string, file: string, problem: string }> };

export type PromptStatsFragment = { __typename?: 'LibraryPrompt', id: string, text: string, useCount: number, createdAt: string, lastUsedAt: string };

export type PromptStatsSearchQueryVariables = Exact<{
  input?: InputMaybe<LibrarySearchInput>;
}>;


export type PromptStatsSearchQuery = { __typename?: 'Query', searchPrompts: { __typename?: 'PromptConnection', edges: Array<{ __typename?: 'PromptEdge', node: { __typename?: 'LibraryPrompt', id: string, text: string, useCount: number, createdAt: string, lastUsedAt: string } }> } };

export type PromptStatsSuggestionsQueryVariables = Exact<{
  prefix: Scalars['String']['input'];
  scope?: InputMaybe<SearchScope>;
}>;


export type PromptStatsSuggestionsQuery = { __typename?: 'Query', promptSuggestions: Array<{ __typename?: 'LibraryPrompt', id: string, text: string, useCount: number, createdAt: string, lastUsedAt: string }> };

export type PromptStatsSimilarQueryVariables = Exact<{
  promptId: Scalars['ID']['input'];
  filter?: InputMaybe<LibraryFilterInput>;
}>;


export type PromptStatsSimilarQuery = { __typename?: 'Query', similarPrompts: { __typename?: 'PromptConnection', edges: Array<{ __typename?: 'PromptEdge', node: { __typename?: 'LibraryPrompt', id: string, text: string, useCount: number, createdAt: string, lastUsedAt: string } }> } };

export type PromptStatsOfImagesQueryVariables = Exact<{
  input?: InputMaybe<LibrarySearchInput>;
}>;


export type PromptStatsOfImagesQuery = { __typename?: 'Query', searchImages: { __typename?: 'ImageConnection', edges: Array<{ __typename?: 'ImageEdge', node: { __typename?: 'Image', id: string, prompt: { __typename?: 'LibraryPrompt', id: string, text: string, useCount: number, createdAt: string, lastUsedAt: string } } }> } };

export const ApiKeyFieldsFragmentDoc = {"kind":"Document","definitions":[{"kind":"FragmentDefinition","name":{"kind":"Name","value":"ApiKeyFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"ApiKey"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"prefix"}},{"kind":"Field","name":{"kind":"Name","value":"createdAt"}},{"kind":"Field","name":{"kind":"Name","value":"revokedAt"}},{"kind":"Field","name":{"kind":"Name","value":"account"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"role"}}]}}]}}]} as unknown as DocumentNode<ApiKeyFieldsFragment, unknown>;
export const ImageFieldsFragmentDoc = {"kind":"Document","definitions":[{"kind":"FragmentDefinition","name":{"kind":"Name","value":"ImageFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Image"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"url"}},{"kind":"Field","name":{"kind":"Name","value":"thumbnailUrl"}},{"kind":"Field","name":{"kind":"Name","value":"index"}},{"kind":"Field","name":{"kind":"Name","value":"seed"}},{"kind":"Field","name":{"kind":"Name","value":"width"}},{"kind":"Field","name":{"kind":"Name","value":"height"}},{"kind":"Field","name":{"kind":"Name","value":"sha256"}},{"kind":"Field","name":{"kind":"Name","value":"nsfw"}}]}}]} as unknown as DocumentNode<ImageFieldsFragment, unknown>;
export const GenerationFieldsFragmentDoc = {"kind":"Document","definitions":[{"kind":"FragmentDefinition","name":{"kind":"Name","value":"GenerationFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Generation"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"prompt"}},{"kind":"Field","name":{"kind":"Name","value":"negativePrompt"}},{"kind":"Field","name":{"kind":"Name","value":"model"}},{"kind":"Field","name":{"kind":"Name","value":"sampler"}},{"kind":"Field","name":{"kind":"Name","value":"steps"}},{"kind":"Field","name":{"kind":"Name","value":"guidanceScale"}},{"kind":"Field","name":{"kind":"Name","value":"width"}},{"kind":"Field","name":{"kind":"Name","value":"height"}},{"kind":"Field","name":{"kind":"Name","value":"seed"}},{"kind":"Field","name":{"kind":"Name","value":"variationSeed"}},{"kind":"Field","name":{"kind":"Name","value":"variationStrength"}},{"kind":"Field","name":{"kind":"Name","value":"initImageId"}},{"kind":"Field","name":{"kind":"Name","value":"maskImageId"}},{"kind":"Field","name":{"kind":"Name","value":"denoisingStrength"}},{"kind":"Field","name":{"kind":"Name","value":"batchSize"}},{"kind":"Field","name":{"kind":"Name","value":"loras"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"weight"}},{"kind":"Field","name":{"kind":"Name","value":"hash"}}]}},{"kind":"Field","name":{"kind":"Name","value":"hires"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"scale"}},{"kind":"Field","name":{"kind":"Name","value":"width"}},{"kind":"Field","name":{"kind":"Name","value":"height"}},{"kind":"Field","name":{"kind":"Name","value":"steps"}},{"kind":"Field","name":{"kind":"Name","value":"denoisingStrength"}},{"kind":"Field","name":{"kind":"Name","value":"upscaler"}},{"kind":"Field","name":{"kind":"Name","value":"upscalerModel"}}]}},{"kind":"Field","name":{"kind":"Name","value":"kind"}},{"kind":"Field","name":{"kind":"Name","value":"upscale"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"upscaler"}},{"kind":"Field","name":{"kind":"Name","value":"scale"}}]}},{"kind":"Field","name":{"kind":"Name","value":"remixOfImageId"}},{"kind":"Field","name":{"kind":"Name","value":"previewMethod"}},{"kind":"Field","name":{"kind":"Name","value":"priority"}},{"kind":"Field","name":{"kind":"Name","value":"queuePosition"}},{"kind":"Field","name":{"kind":"Name","value":"error"}},{"kind":"Field","name":{"kind":"Name","value":"warnings"}},{"kind":"Field","name":{"kind":"Name","value":"createdAt"}},{"kind":"Field","name":{"kind":"Name","value":"startedAt"}},{"kind":"Field","name":{"kind":"Name","value":"finishedAt"}},{"kind":"Field","name":{"kind":"Name","value":"images"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"ImageFields"}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"ImageFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Image"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"url"}},{"kind":"Field","name":{"kind":"Name","value":"thumbnailUrl"}},{"kind":"Field","name":{"kind":"Name","value":"index"}},{"kind":"Field","name":{"kind":"Name","value":"seed"}},{"kind":"Field","name":{"kind":"Name","value":"width"}},{"kind":"Field","name":{"kind":"Name","value":"height"}},{"kind":"Field","name":{"kind":"Name","value":"sha256"}},{"kind":"Field","name":{"kind":"Name","value":"nsfw"}}]}}]} as unknown as DocumentNode<GenerationFieldsFragment, unknown>;
export const LibraryImageFieldsFragmentDoc = {"kind":"Document","definitions":[{"kind":"FragmentDefinition","name":{"kind":"Name","value":"LibraryImageFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Image"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"url"}},{"kind":"Field","name":{"kind":"Name","value":"thumbnailUrl"}},{"kind":"Field","name":{"kind":"Name","value":"seed"}},{"kind":"Field","name":{"kind":"Name","value":"width"}},{"kind":"Field","name":{"kind":"Name","value":"height"}},{"kind":"Field","name":{"kind":"Name","value":"nsfw"}},{"kind":"Field","name":{"kind":"Name","value":"favorite"}},{"kind":"Field","name":{"kind":"Name","value":"favoritedAt"}},{"kind":"Field","name":{"kind":"Name","value":"tags"}},{"kind":"Field","name":{"kind":"Name","value":"prompt"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"text"}},{"kind":"Field","name":{"kind":"Name","value":"useCount"}}]}},{"kind":"Field","name":{"kind":"Name","value":"generation"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"model"}},{"kind":"Field","name":{"kind":"Name","value":"sampler"}},{"kind":"Field","name":{"kind":"Name","value":"steps"}},{"kind":"Field","name":{"kind":"Name","value":"seed"}}]}}]}}]} as unknown as DocumentNode<LibraryImageFieldsFragment, unknown>;
export const CollectionFieldsFragmentDoc = {"kind":"Document","definitions":[{"kind":"FragmentDefinition","name":{"kind":"Name","value":"CollectionFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Collection"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"description"}},{"kind":"Field","name":{"kind":"Name","value":"imageCount"}},{"kind":"Field","name":{"kind":"Name","value":"images"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"Variable","name":{"kind":"Name","value":"imagesFirst"}}},{"kind":"Argument","name":{"kind":"Name","value":"after"},"value":{"kind":"Variable","name":{"kind":"Name","value":"imagesAfter"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"edges"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"cursor"}},{"kind":"Field","name":{"kind":"Name","value":"node"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}}]}}]}},{"kind":"Field","name":{"kind":"Name","value":"pageInfo"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"hasNextPage"}},{"kind":"Field","name":{"kind":"Name","value":"endCursor"}}]}},{"kind":"Field","name":{"kind":"Name","value":"totalCount"}}]}}]}}]} as unknown as DocumentNode<CollectionFieldsFragment, unknown>;
export const LoadedPipelineFieldsFragmentDoc = {"kind":"Document","definitions":[{"kind":"FragmentDefinition","name":{"kind":"Name","value":"LoadedPipelineFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"LoadedPipeline"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"node"}},{"kind":"Field","name":{"kind":"Name","value":"worker"}},{"kind":"Field","name":{"kind":"Name","value":"model"}},{"kind":"Field","name":{"kind":"Name","value":"loras"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"weight"}}]}},{"kind":"Field","name":{"kind":"Name","value":"bytes"}}]}}]} as unknown as DocumentNode<LoadedPipelineFieldsFragment, unknown>;
export const LoraFieldsFragmentDoc = {"kind":"Document","definitions":[{"kind":"FragmentDefinition","name":{"kind":"Name","value":"LoraFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Lora"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"family"}},{"kind":"Field","name":{"kind":"Name","value":"baseModel"}},{"kind":"Field","name":{"kind":"Name","value":"triggerWords"}},{"kind":"Field","name":{"kind":"Name","value":"preview"}},{"kind":"Field","name":{"kind":"Name","value":"sizeBytes"}},{"kind":"Field","name":{"kind":"Name","value":"hash"}},{"kind":"Field","name":{"kind":"Name","value":"loadedOn"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"LoadedPipelineFields"}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"LoadedPipelineFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"LoadedPipeline"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"node"}},{"kind":"Field","name":{"kind":"Name","value":"worker"}},{"kind":"Field","name":{"kind":"Name","value":"model"}},{"kind":"Field","name":{"kind":"Name","value":"loras"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"weight"}}]}},{"kind":"Field","name":{"kind":"Name","value":"bytes"}}]}}]} as unknown as DocumentNode<LoraFieldsFragment, unknown>;
export const PromptStatsFragmentDoc = {"kind":"Document","definitions":[{"kind":"FragmentDefinition","name":{"kind":"Name","value":"PromptStats"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"LibraryPrompt"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"text"}},{"kind":"Field","name":{"kind":"Name","value":"useCount"}},{"kind":"Field","name":{"kind":"Name","value":"createdAt"}},{"kind":"Field","name":{"kind":"Name","value":"lastUsedAt"}}]}}]} as unknown as DocumentNode<PromptStatsFragment, unknown>;
export const ViewerDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"Viewer"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"viewer"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"role"}},{"kind":"Field","name":{"kind":"Name","value":"limits"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"maxQueuedJobs"}}]}}]}}]}}]} as unknown as DocumentNode<ViewerQuery, ViewerQueryVariables>;
export const ApiKeysDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"ApiKeys"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"apiKeys"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"ApiKeyFields"}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"ApiKeyFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"ApiKey"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"prefix"}},{"kind":"Field","name":{"kind":"Name","value":"createdAt"}},{"kind":"Field","name":{"kind":"Name","value":"revokedAt"}},{"kind":"Field","name":{"kind":"Name","value":"account"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"role"}}]}}]}}]} as unknown as DocumentNode<ApiKeysQuery, ApiKeysQueryVariables>;
export const CreateApiKeyDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"CreateApiKey"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"account"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"role"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"Role"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"createApiKey"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"account"},"value":{"kind":"Variable","name":{"kind":"Name","value":"account"}}},{"kind":"Argument","name":{"kind":"Name","value":"role"},"value":{"kind":"Variable","name":{"kind":"Name","value":"role"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"key"}},{"kind":"Field","name":{"kind":"Name","value":"apiKey"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"ApiKeyFields"}}]}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"ApiKeyFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"ApiKey"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"prefix"}},{"kind":"Field","name":{"kind":"Name","value":"createdAt"}},{"kind":"Field","name":{"kind":"Name","value":"revokedAt"}},{"kind":"Field","name":{"kind":"Name","value":"account"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"role"}}]}}]}}]} as unknown as DocumentNode<CreateApiKeyMutation, CreateApiKeyMutationVariables>;
export const RevokeApiKeysDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"RevokeApiKeys"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"account"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"revokeApiKeys"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"account"},"value":{"kind":"Variable","name":{"kind":"Name","value":"account"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"ApiKeyFields"}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"ApiKeyFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"ApiKey"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"prefix"}},{"kind":"Field","name":{"kind":"Name","value":"createdAt"}},{"kind":"Field","name":{"kind":"Name","value":"revokedAt"}},{"kind":"Field","name":{"kind":"Name","value":"account"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"role"}}]}}]}}]} as unknown as DocumentNode<RevokeApiKeysMutation, RevokeApiKeysMutationVariables>;
export const SetGenerationVisibilityDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"SetGenerationVisibility"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"id"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"visibility"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"Visibility"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"setGenerationVisibility"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"id"},"value":{"kind":"Variable","name":{"kind":"Name","value":"id"}}},{"kind":"Argument","name":{"kind":"Name","value":"visibility"},"value":{"kind":"Variable","name":{"kind":"Name","value":"visibility"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"visibility"}}]}}]}}]} as unknown as DocumentNode<SetGenerationVisibilityMutation, SetGenerationVisibilityMutationVariables>;
export const RemixVisibleDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"RemixVisible"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"imageId"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"visibility"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"Visibility"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"remix"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"imageId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"imageId"}}},{"kind":"Argument","name":{"kind":"Name","value":"visibility"},"value":{"kind":"Variable","name":{"kind":"Name","value":"visibility"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"visibility"}},{"kind":"Field","name":{"kind":"Name","value":"remixOfImageId"}}]}}]}}]} as unknown as DocumentNode<RemixVisibleMutation, RemixVisibleMutationVariables>;
export const PromptSuggestionsScopedDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"PromptSuggestionsScoped"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"prefix"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"scope"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"SearchScope"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"promptSuggestions"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"prefix"},"value":{"kind":"Variable","name":{"kind":"Name","value":"prefix"}}},{"kind":"Argument","name":{"kind":"Name","value":"scope"},"value":{"kind":"Variable","name":{"kind":"Name","value":"scope"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"text"}}]}}]}}]} as unknown as DocumentNode<PromptSuggestionsScopedQuery, PromptSuggestionsScopedQueryVariables>;
export const PromptImagesDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"PromptImages"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"input"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"LibrarySearchInput"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"searchPrompts"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"Variable","name":{"kind":"Name","value":"input"}}},{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"IntValue","value":"50"}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"edges"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"node"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"text"}},{"kind":"Field","name":{"kind":"Name","value":"images"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"IntValue","value":"10"}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"favorite"}},{"kind":"Field","name":{"kind":"Name","value":"tags"}}]}}]}}]}}]}}]}}]} as unknown as DocumentNode<PromptImagesQuery, PromptImagesQueryVariables>;
export const GenerateDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"Generate"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"input"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"GenerateInput"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"generate"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"Variable","name":{"kind":"Name","value":"input"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"GenerationFields"}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"ImageFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Image"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"url"}},{"kind":"Field","name":{"kind":"Name","value":"thumbnailUrl"}},{"kind":"Field","name":{"kind":"Name","value":"index"}},{"kind":"Field","name":{"kind":"Name","value":"seed"}},{"kind":"Field","name":{"kind":"Name","value":"width"}},{"kind":"Field","name":{"kind":"Name","value":"height"}},{"kind":"Field","name":{"kind":"Name","value":"sha256"}},{"kind":"Field","name":{"kind":"Name","value":"nsfw"}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"GenerationFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Generation"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"prompt"}},{"kind":"Field","name":{"kind":"Name","value":"negativePrompt"}},{"kind":"Field","name":{"kind":"Name","value":"model"}},{"kind":"Field","name":{"kind":"Name","value":"sampler"}},{"kind":"Field","name":{"kind":"Name","value":"steps"}},{"kind":"Field","name":{"kind":"Name","value":"guidanceScale"}},{"kind":"Field","name":{"kind":"Name","value":"width"}},{"kind":"Field","name":{"kind":"Name","value":"height"}},{"kind":"Field","name":{"kind":"Name","value":"seed"}},{"kind":"Field","name":{"kind":"Name","value":"variationSeed"}},{"kind":"Field","name":{"kind":"Name","value":"variationStrength"}},{"kind":"Field","name":{"kind":"Name","value":"initImageId"}},{"kind":"Field","name":{"kind":"Name","value":"maskImageId"}},{"kind":"Field","name":{"kind":"Name","value":"denoisingStrength"}},{"kind":"Field","name":{"kind":"Name","value":"batchSize"}},{"kind":"Field","name":{"kind":"Name","value":"loras"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"weight"}},{"kind":"Field","name":{"kind":"Name","value":"hash"}}]}},{"kind":"Field","name":{"kind":"Name","value":"hires"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"scale"}},{"kind":"Field","name":{"kind":"Name","value":"width"}},{"kind":"Field","name":{"kind":"Name","value":"height"}},{"kind":"Field","name":{"kind":"Name","value":"steps"}},{"kind":"Field","name":{"kind":"Name","value":"denoisingStrength"}},{"kind":"Field","name":{"kind":"Name","value":"upscaler"}},{"kind":"Field","name":{"kind":"Name","value":"upscalerModel"}}]}},{"kind":"Field","name":{"kind":"Name","value":"kind"}},{"kind":"Field","name":{"kind":"Name","value":"upscale"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"upscaler"}},{"kind":"Field","name":{"kind":"Name","value":"scale"}}]}},{"kind":"Field","name":{"kind":"Name","value":"remixOfImageId"}},{"kind":"Field","name":{"kind":"Name","value":"previewMethod"}},{"kind":"Field","name":{"kind":"Name","value":"priority"}},{"kind":"Field","name":{"kind":"Name","value":"queuePosition"}},{"kind":"Field","name":{"kind":"Name","value":"error"}},{"kind":"Field","name":{"kind":"Name","value":"warnings"}},{"kind":"Field","name":{"kind":"Name","value":"createdAt"}},{"kind":"Field","name":{"kind":"Name","value":"startedAt"}},{"kind":"Field","name":{"kind":"Name","value":"finishedAt"}},{"kind":"Field","name":{"kind":"Name","value":"images"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"ImageFields"}}]}}]}}]} as unknown as DocumentNode<GenerateMutation, GenerateMutationVariables>;
export const UpscaleImageDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"UpscaleImage"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"imageId"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"upscaler"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"scale"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"Float"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"upscaleImage"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"imageId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"imageId"}}},{"kind":"Argument","name":{"kind":"Name","value":"upscaler"},"value":{"kind":"Variable","name":{"kind":"Name","value":"upscaler"}}},{"kind":"Argument","name":{"kind":"Name","value":"scale"},"value":{"kind":"Variable","name":{"kind":"Name","value":"scale"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"GenerationFields"}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"ImageFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Image"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"url"}},{"kind":"Field","name":{"kind":"Name","value":"thumbnailUrl"}},{"kind":"Field","name":{"kind":"Name","value":"index"}},{"kind":"Field","name":{"kind":"Name","value":"seed"}},{"kind":"Field","name":{"kind":"Name","value":"width"}},{"kind":"Field","name":{"kind":"Name","value":"height"}},{"kind":"Field","name":{"kind":"Name","value":"sha256"}},{"kind":"Field","name":{"kind":"Name","value":"nsfw"}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"GenerationFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Generation"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"prompt"}},{"kind":"Field","name":{"kind":"Name","value":"negativePrompt"}},{"kind":"Field","name":{"kind":"Name","value":"model"}},{"kind":"Field","name":{"kind":"Name","value":"sampler"}},{"kind":"Field","name":{"kind":"Name","value":"steps"}},{"kind":"Field","name":{"kind":"Name","value":"guidanceScale"}},{"kind":"Field","name":{"kind":"Name","value":"width"}},{"kind":"Field","name":{"kind":"Name","value":"height"}},{"kind":"Field","name":{"kind":"Name","value":"seed"}},{"kind":"Field","name":{"kind":"Name","value":"variationSeed"}},{"kind":"Field","name":{"kind":"Name","value":"variationStrength"}},{"kind":"Field","name":{"kind":"Name","value":"initImageId"}},{"kind":"Field","name":{"kind":"Name","value":"maskImageId"}},{"kind":"Field","name":{"kind":"Name","value":"denoisingStrength"}},{"kind":"Field","name":{"kind":"Name","value":"batchSize"}},{"kind":"Field","name":{"kind":"Name","value":"loras"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"weight"}},{"kind":"Field","name":{"kind":"Name","value":"hash"}}]}},{"kind":"Field","name":{"kind":"Name","value":"hires"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"scale"}},{"kind":"Field","name":{"kind":"Name","value":"width"}},{"kind":"Field","name":{"kind":"Name","value":"height"}},{"kind":"Field","name":{"kind":"Name","value":"steps"}},{"kind":"Field","name":{"kind":"Name","value":"denoisingStrength"}},{"kind":"Field","name":{"kind":"Name","value":"upscaler"}},{"kind":"Field","name":{"kind":"Name","value":"upscalerModel"}}]}},{"kind":"Field","name":{"kind":"Name","value":"kind"}},{"kind":"Field","name":{"kind":"Name","value":"upscale"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"upscaler"}},{"kind":"Field","name":{"kind":"Name","value":"scale"}}]}},{"kind":"Field","name":{"kind":"Name","value":"remixOfImageId"}},{"kind":"Field","name":{"kind":"Name","value":"previewMethod"}},{"kind":"Field","name":{"kind":"Name","value":"priority"}},{"kind":"Field","name":{"kind":"Name","value":"queuePosition"}},{"kind":"Field","name":{"kind":"Name","value":"error"}},{"kind":"Field","name":{"kind":"Name","value":"warnings"}},{"kind":"Field","name":{"kind":"Name","value":"createdAt"}},{"kind":"Field","name":{"kind":"Name","value":"startedAt"}},{"kind":"Field","name":{"kind":"Name","value":"finishedAt"}},{"kind":"Field","name":{"kind":"Name","value":"images"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"ImageFields"}}]}}]}}]} as unknown as DocumentNode<UpscaleImageMutation, UpscaleImageMutationVariables>;
export const UpscalersDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"Upscalers"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"upscalers"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"scale"}},{"kind":"Field","name":{"kind":"Name","value":"hash"}}]}},{"kind":"Field","name":{"kind":"Name","value":"unusableUpscalers"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"file"}},{"kind":"Field","name":{"kind":"Name","value":"problem"}}]}}]}}]} as unknown as DocumentNode<UpscalersQuery, UpscalersQueryVariables>;
export const RemixDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"Remix"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"imageId"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"overrides"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"RemixInput"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"remix"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"imageId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"imageId"}}},{"kind":"Argument","name":{"kind":"Name","value":"overrides"},"value":{"kind":"Variable","name":{"kind":"Name","value":"overrides"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"GenerationFields"}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"ImageFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Image"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"url"}},{"kind":"Field","name":{"kind":"Name","value":"thumbnailUrl"}},{"kind":"Field","name":{"kind":"Name","value":"index"}},{"kind":"Field","name":{"kind":"Name","value":"seed"}},{"kind":"Field","name":{"kind":"Name","value":"width"}},{"kind":"Field","name":{"kind":"Name","value":"height"}},{"kind":"Field","name":{"kind":"Name","value":"sha256"}},{"kind":"Field","name":{"kind":"Name","value":"nsfw"}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"GenerationFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Generation"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"prompt"}},{"kind":"Field","name":{"kind":"Name","value":"negativePrompt"}},{"kind":"Field","name":{"kind":"Name","value":"model"}},{"kind":"Field","name":{"kind":"Name","value":"sampler"}},{"kind":"Field","name":{"kind":"Name","value":"steps"}},{"kind":"Field","name":{"kind":"Name","value":"guidanceScale"}},{"kind":"Field","name":{"kind":"Name","value":"width"}},{"kind":"Field","name":{"kind":"Name","value":"height"}},{"kind":"Field","name":{"kind":"Name","value":"seed"}},{"kind":"Field","name":{"kind":"Name","value":"variationSeed"}},{"kind":"Field","name":{"kind":"Name","value":"variationStrength"}},{"kind":"Field","name":{"kind":"Name","value":"initImageId"}},{"kind":"Field","name":{"kind":"Name","value":"maskImageId"}},{"kind":"Field","name":{"kind":"Name","value":"denoisingStrength"}},{"kind":"Field","name":{"kind":"Name","value":"batchSize"}},{"kind":"Field","name":{"kind":"Name","value":"loras"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"weight"}},{"kind":"Field","name":{"kind":"Name","value":"hash"}}]}},{"kind":"Field","name":{"kind":"Name","value":"hires"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"scale"}},{"kind":"Field","name":{"kind":"Name","value":"width"}},{"kind":"Field","name":{"kind":"Name","value":"height"}},{"kind":"Field","name":{"kind":"Name","value":"steps"}},{"kind":"Field","name":{"kind":"Name","value":"denoisingStrength"}},{"kind":"Field","name":{"kind":"Name","value":"upscaler"}},{"kind":"Field","name":{"kind":"Name","value":"upscalerModel"}}]}},{"kind":"Field","name":{"kind":"Name","value":"kind"}},{"kind":"Field","name":{"kind":"Name","value":"upscale"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"upscaler"}},{"kind":"Field","name":{"kind":"Name","value":"scale"}}]}},{"kind":"Field","name":{"kind":"Name","value":"remixOfImageId"}},{"kind":"Field","name":{"kind":"Name","value":"previewMethod"}},{"kind":"Field","name":{"kind":"Name","value":"priority"}},{"kind":"Field","name":{"kind":"Name","value":"queuePosition"}},{"kind":"Field","name":{"kind":"Name","value":"error"}},{"kind":"Field","name":{"kind":"Name","value":"warnings"}},{"kind":"Field","name":{"kind":"Name","value":"createdAt"}},{"kind":"Field","name":{"kind":"Name","value":"startedAt"}},{"kind":"Field","name":{"kind":"Name","value":"finishedAt"}},{"kind":"Field","name":{"kind":"Name","value":"images"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"ImageFields"}}]}}]}}]} as unknown as DocumentNode<RemixMutation, RemixMutationVariables>;
export const CancelGenerationDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"CancelGeneration"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"id"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"cancelGeneration"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"id"},"value":{"kind":"Variable","name":{"kind":"Name","value":"id"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"GenerationFields"}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"ImageFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Image"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"url"}},{"kind":"Field","name":{"kind":"Name","value":"thumbnailUrl"}},{"kind":"Field","name":{"kind":"Name","value":"index"}},{"kind":"Field","name":{"kind":"Name","value":"seed"}},{"kind":"Field","name":{"kind":"Name","value":"width"}},{"kind":"Field","name":{"kind":"Name","value":"height"}},{"kind":"Field","name":{"kind":"Name","value":"sha256"}},{"kind":"Field","name":{"kind":"Name","value":"nsfw"}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"GenerationFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Generation"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"prompt"}},{"kind":"Field","name":{"kind":"Name","value":"negativePrompt"}},{"kind":"Field","name":{"kind":"Name","value":"model"}},{"kind":"Field","name":{"kind":"Name","value":"sampler"}},{"kind":"Field","name":{"kind":"Name","value":"steps"}},{"kind":"Field","name":{"kind":"Name","value":"guidanceScale"}},{"kind":"Field","name":{"kind":"Name","value":"width"}},{"kind":"Field","name":{"kind":"Name","value":"height"}},{"kind":"Field","name":{"kind":"Name","value":"seed"}},{"kind":"Field","name":{"kind":"Name","value":"variationSeed"}},{"kind":"Field","name":{"kind":"Name","value":"variationStrength"}},{"kind":"Field","name":{"kind":"Name","value":"initImageId"}},{"kind":"Field","name":{"kind":"Name","value":"maskImageId"}},{"kind":"Field","name":{"kind":"Name","value":"denoisingStrength"}},{"kind":"Field","name":{"kind":"Name","value":"batchSize"}},{"kind":"Field","name":{"kind":"Name","value":"loras"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"weight"}},{"kind":"Field","name":{"kind":"Name","value":"hash"}}]}},{"kind":"Field","name":{"kind":"Name","value":"hires"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"scale"}},{"kind":"Field","name":{"kind":"Name","value":"width"}},{"kind":"Field","name":{"kind":"Name","value":"height"}},{"kind":"Field","name":{"kind":"Name","value":"steps"}},{"kind":"Field","name":{"kind":"Name","value":"denoisingStrength"}},{"kind":"Field","name":{"kind":"Name","value":"upscaler"}},{"kind":"Field","name":{"kind":"Name","value":"upscalerModel"}}]}},{"kind":"Field","name":{"kind":"Name","value":"kind"}},{"kind":"Field","name":{"kind":"Name","value":"upscale"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"upscaler"}},{"kind":"Field","name":{"kind":"Name","value":"scale"}}]}},{"kind":"Field","name":{"kind":"Name","value":"remixOfImageId"}},{"kind":"Field","name":{"kind":"Name","value":"previewMethod"}},{"kind":"Field","name":{"kind":"Name","value":"priority"}},{"kind":"Field","name":{"kind":"Name","value":"queuePosition"}},{"kind":"Field","name":{"kind":"Name","value":"error"}},{"kind":"Field","name":{"kind":"Name","value":"warnings"}},{"kind":"Field","name":{"kind":"Name","value":"createdAt"}},{"kind":"Field","name":{"kind":"Name","value":"startedAt"}},{"kind":"Field","name":{"kind":"Name","value":"finishedAt"}},{"kind":"Field","name":{"kind":"Name","value":"images"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"ImageFields"}}]}}]}}]} as unknown as DocumentNode<CancelGenerationMutation, CancelGenerationMutationVariables>;
export const GenerationDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"Generation"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"id"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"generation"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"id"},"value":{"kind":"Variable","name":{"kind":"Name","value":"id"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"GenerationFields"}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"ImageFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Image"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"url"}},{"kind":"Field","name":{"kind":"Name","value":"thumbnailUrl"}},{"kind":"Field","name":{"kind":"Name","value":"index"}},{"kind":"Field","name":{"kind":"Name","value":"seed"}},{"kind":"Field","name":{"kind":"Name","value":"width"}},{"kind":"Field","name":{"kind":"Name","value":"height"}},{"kind":"Field","name":{"kind":"Name","value":"sha256"}},{"kind":"Field","name":{"kind":"Name","value":"nsfw"}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"GenerationFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Generation"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"prompt"}},{"kind":"Field","name":{"kind":"Name","value":"negativePrompt"}},{"kind":"Field","name":{"kind":"Name","value":"model"}},{"kind":"Field","name":{"kind":"Name","value":"sampler"}},{"kind":"Field","name":{"kind":"Name","value":"steps"}},{"kind":"Field","name":{"kind":"Name","value":"guidanceScale"}},{"kind":"Field","name":{"kind":"Name","value":"width"}},{"kind":"Field","name":{"kind":"Name","value":"height"}},{"kind":"Field","name":{"kind":"Name","value":"seed"}},{"kind":"Field","name":{"kind":"Name","value":"variationSeed"}},{"kind":"Field","name":{"kind":"Name","value":"variationStrength"}},{"kind":"Field","name":{"kind":"Name","value":"initImageId"}},{"kind":"Field","name":{"kind":"Name","value":"maskImageId"}},{"kind":"Field","name":{"kind":"Name","value":"denoisingStrength"}},{"kind":"Field","name":{"kind":"Name","value":"batchSize"}},{"kind":"Field","name":{"kind":"Name","value":"loras"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"weight"}},{"kind":"Field","name":{"kind":"Name","value":"hash"}}]}},{"kind":"Field","name":{"kind":"Name","value":"hires"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"scale"}},{"kind":"Field","name":{"kind":"Name","value":"width"}},{"kind":"Field","name":{"kind":"Name","value":"height"}},{"kind":"Field","name":{"kind":"Name","value":"steps"}},{"kind":"Field","name":{"kind":"Name","value":"denoisingStrength"}},{"kind":"Field","name":{"kind":"Name","value":"upscaler"}},{"kind":"Field","name":{"kind":"Name","value":"upscalerModel"}}]}},{"kind":"Field","name":{"kind":"Name","value":"kind"}},{"kind":"Field","name":{"kind":"Name","value":"upscale"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"upscaler"}},{"kind":"Field","name":{"kind":"Name","value":"scale"}}]}},{"kind":"Field","name":{"kind":"Name","value":"remixOfImageId"}},{"kind":"Field","name":{"kind":"Name","value":"previewMethod"}},{"kind":"Field","name":{"kind":"Name","value":"priority"}},{"kind":"Field","name":{"kind":"Name","value":"queuePosition"}},{"kind":"Field","name":{"kind":"Name","value":"error"}},{"kind":"Field","name":{"kind":"Name","value":"warnings"}},{"kind":"Field","name":{"kind":"Name","value":"createdAt"}},{"kind":"Field","name":{"kind":"Name","value":"startedAt"}},{"kind":"Field","name":{"kind":"Name","value":"finishedAt"}},{"kind":"Field","name":{"kind":"Name","value":"images"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"ImageFields"}}]}}]}}]} as unknown as DocumentNode<GenerationQuery, GenerationQueryVariables>;
export const GenerationsDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"Generations"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"first"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"Int"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"after"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"generations"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"Variable","name":{"kind":"Name","value":"first"}}},{"kind":"Argument","name":{"kind":"Name","value":"after"},"value":{"kind":"Variable","name":{"kind":"Name","value":"after"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"edges"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"cursor"}},{"kind":"Field","name":{"kind":"Name","value":"node"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"prompt"}},{"kind":"Field","name":{"kind":"Name","value":"status"}}]}}]}},{"kind":"Field","name":{"kind":"Name","value":"pageInfo"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"hasNextPage"}},{"kind":"Field","name":{"kind":"Name","value":"endCursor"}}]}},{"kind":"Field","name":{"kind":"Name","value":"totalCount"}}]}}]}}]} as unknown as DocumentNode<GenerationsQuery, GenerationsQueryVariables>;
export const CatalogDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"Catalog"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"models"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"pipelineClass"}},{"kind":"Field","name":{"kind":"Name","value":"defaultSize"}},{"kind":"Field","name":{"kind":"Name","value":"isDefault"}},{"kind":"Field","name":{"kind":"Name","value":"usable"}},{"kind":"Field","name":{"kind":"Name","value":"problem"}},{"kind":"Field","name":{"kind":"Name","value":"family"}},{"kind":"Field","name":{"kind":"Name","value":"distillation"}},{"kind":"Field","name":{"kind":"Name","value":"predictionType"}},{"kind":"Field","name":{"kind":"Name","value":"inpainting"}},{"kind":"Field","name":{"kind":"Name","value":"defaults"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"sampler"}},{"kind":"Field","name":{"kind":"Name","value":"steps"}},{"kind":"Field","name":{"kind":"Name","value":"guidanceScale"}}]}}]}},{"kind":"Field","name":{"kind":"Name","value":"samplers"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"label"}}]}}]}}]} as unknown as DocumentNode<CatalogQuery, CatalogQueryVariables>;
export const GenerationEventsDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"subscription","name":{"kind":"Name","value":"GenerationEvents"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"id"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"generationEvents"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"id"},"value":{"kind":"Variable","name":{"kind":"Name","value":"id"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"type"}},{"kind":"Field","name":{"kind":"Name","value":"generationId"}},{"kind":"InlineFragment","typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"GenerationQueued"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"position"}}]}},{"kind":"InlineFragment","typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"GenerationStep"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"step"}},{"kind":"Field","name":{"kind":"Name","value":"totalSteps"}},{"kind":"Field","name":{"kind":"Name","value":"pass"}},{"kind":"Field","name":{"kind":"Name","value":"preview"}}]}},{"kind":"InlineFragment","typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"GenerationImage"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"image"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"ImageFields"}}]}}]}},{"kind":"InlineFragment","typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"GenerationCompleted"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"warnings"}}]}},{"kind":"InlineFragment","typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"GenerationFailed"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"message"}}]}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"ImageFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Image"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"url"}},{"kind":"Field","name":{"kind":"Name","value":"thumbnailUrl"}},{"kind":"Field","name":{"kind":"Name","value":"index"}},{"kind":"Field","name":{"kind":"Name","value":"seed"}},{"kind":"Field","name":{"kind":"Name","value":"width"}},{"kind":"Field","name":{"kind":"Name","value":"height"}},{"kind":"Field","name":{"kind":"Name","value":"sha256"}},{"kind":"Field","name":{"kind":"Name","value":"nsfw"}}]}}]} as unknown as DocumentNode<GenerationEventsSubscription, GenerationEventsSubscriptionVariables>;
export const UploadImageDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"UploadImage"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"dataUrl"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"uploadImage"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"dataUrl"},"value":{"kind":"Variable","name":{"kind":"Name","value":"dataUrl"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"url"}},{"kind":"Field","name":{"kind":"Name","value":"width"}},{"kind":"Field","name":{"kind":"Name","value":"height"}},{"kind":"Field","name":{"kind":"Name","value":"sha256"}}]}}]}}]} as unknown as DocumentNode<UploadImageMutation, UploadImageMutationVariables>;
export const DeleteGenerationDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"DeleteGeneration"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"id"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"deleteGeneration"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"id"},"value":{"kind":"Variable","name":{"kind":"Name","value":"id"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"removedFiles"}}]}}]}}]} as unknown as DocumentNode<DeleteGenerationMutation, DeleteGenerationMutationVariables>;
export const GenerateFourDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"GenerateFour"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"a"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"GenerateInput"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"b"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"GenerateInput"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"c"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"GenerateInput"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"d"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"GenerateInput"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","alias":{"kind":"Name","value":"a"},"name":{"kind":"Name","value":"generate"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"Variable","name":{"kind":"Name","value":"a"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}}]}},{"kind":"Field","alias":{"kind":"Name","value":"b"},"name":{"kind":"Name","value":"generate"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"Variable","name":{"kind":"Name","value":"b"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}}]}},{"kind":"Field","alias":{"kind":"Name","value":"c"},"name":{"kind":"Name","value":"generate"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"Variable","name":{"kind":"Name","value":"c"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}}]}},{"kind":"Field","alias":{"kind":"Name","value":"d"},"name":{"kind":"Name","value":"generate"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"Variable","name":{"kind":"Name","value":"d"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}}]}}]}}]} as unknown as DocumentNode<GenerateFourMutation, GenerateFourMutationVariables>;
export const ImportImageDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"ImportImage"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"dataUrl"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"importImage"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"dataUrl"},"value":{"kind":"Variable","name":{"kind":"Name","value":"dataUrl"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"format"}},{"kind":"Field","name":{"kind":"Name","value":"prompt"}},{"kind":"Field","name":{"kind":"Name","value":"negativePrompt"}},{"kind":"Field","name":{"kind":"Name","value":"seed"}},{"kind":"Field","name":{"kind":"Name","value":"steps"}},{"kind":"Field","name":{"kind":"Name","value":"guidanceScale"}},{"kind":"Field","name":{"kind":"Name","value":"sampler"}},{"kind":"Field","name":{"kind":"Name","value":"width"}},{"kind":"Field","name":{"kind":"Name","value":"height"}},{"kind":"Field","name":{"kind":"Name","value":"model"}},{"kind":"Field","name":{"kind":"Name","value":"raw"}},{"kind":"Field","name":{"kind":"Name","value":"alreadyInLibrary"}},{"kind":"Field","name":{"kind":"Name","value":"generationId"}},{"kind":"Field","name":{"kind":"Name","value":"image"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"ImageFields"}}]}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"ImageFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Image"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"url"}},{"kind":"Field","name":{"kind":"Name","value":"thumbnailUrl"}},{"kind":"Field","name":{"kind":"Name","value":"index"}},{"kind":"Field","name":{"kind":"Name","value":"seed"}},{"kind":"Field","name":{"kind":"Name","value":"width"}},{"kind":"Field","name":{"kind":"Name","value":"height"}},{"kind":"Field","name":{"kind":"Name","value":"sha256"}},{"kind":"Field","name":{"kind":"Name","value":"nsfw"}}]}}]} as unknown as DocumentNode<ImportImageMutation, ImportImageMutationVariables>;
export const SearchPromptsDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"SearchPrompts"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"input"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"LibrarySearchInput"}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"first"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"Int"}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"after"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"searchPrompts"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"Variable","name":{"kind":"Name","value":"input"}}},{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"Variable","name":{"kind":"Name","value":"first"}}},{"kind":"Argument","name":{"kind":"Name","value":"after"},"value":{"kind":"Variable","name":{"kind":"Name","value":"after"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"edges"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"cursor"}},{"kind":"Field","name":{"kind":"Name","value":"score"}},{"kind":"Field","name":{"kind":"Name","value":"node"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"text"}},{"kind":"Field","name":{"kind":"Name","value":"useCount"}},{"kind":"Field","name":{"kind":"Name","value":"createdAt"}},{"kind":"Field","name":{"kind":"Name","value":"lastUsedAt"}}]}}]}},{"kind":"Field","name":{"kind":"Name","value":"pageInfo"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"hasNextPage"}},{"kind":"Field","name":{"kind":"Name","value":"endCursor"}}]}},{"kind":"Field","name":{"kind":"Name","value":"totalCount"}},{"kind":"Field","name":{"kind":"Name","value":"totalCountIsExact"}}]}}]}}]} as unknown as DocumentNode<SearchPromptsQuery, SearchPromptsQueryVariables>;
export const PromptSuggestionsDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"PromptSuggestions"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"prefix"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"first"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"Int"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"promptSuggestions"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"prefix"},"value":{"kind":"Variable","name":{"kind":"Name","value":"prefix"}}},{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"Variable","name":{"kind":"Name","value":"first"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"text"}},{"kind":"Field","name":{"kind":"Name","value":"useCount"}}]}}]}}]} as unknown as DocumentNode<PromptSuggestionsQuery, PromptSuggestionsQueryVariables>;
export const SearchImagesDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"SearchImages"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"input"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"LibrarySearchInput"}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"first"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"Int"}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"after"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"searchImages"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"Variable","name":{"kind":"Name","value":"input"}}},{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"Variable","name":{"kind":"Name","value":"first"}}},{"kind":"Argument","name":{"kind":"Name","value":"after"},"value":{"kind":"Variable","name":{"kind":"Name","value":"after"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"edges"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"cursor"}},{"kind":"Field","name":{"kind":"Name","value":"score"}},{"kind":"Field","name":{"kind":"Name","value":"node"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"LibraryImageFields"}}]}}]}},{"kind":"Field","name":{"kind":"Name","value":"pageInfo"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"hasNextPage"}},{"kind":"Field","name":{"kind":"Name","value":"endCursor"}}]}},{"kind":"Field","name":{"kind":"Name","value":"totalCount"}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"LibraryImageFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Image"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"url"}},{"kind":"Field","name":{"kind":"Name","value":"thumbnailUrl"}},{"kind":"Field","name":{"kind":"Name","value":"seed"}},{"kind":"Field","name":{"kind":"Name","value":"width"}},{"kind":"Field","name":{"kind":"Name","value":"height"}},{"kind":"Field","name":{"kind":"Name","value":"nsfw"}},{"kind":"Field","name":{"kind":"Name","value":"favorite"}},{"kind":"Field","name":{"kind":"Name","value":"favoritedAt"}},{"kind":"Field","name":{"kind":"Name","value":"tags"}},{"kind":"Field","name":{"kind":"Name","value":"prompt"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"text"}},{"kind":"Field","name":{"kind":"Name","value":"useCount"}}]}},{"kind":"Field","name":{"kind":"Name","value":"generation"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"model"}},{"kind":"Field","name":{"kind":"Name","value":"sampler"}},{"kind":"Field","name":{"kind":"Name","value":"steps"}},{"kind":"Field","name":{"kind":"Name","value":"seed"}}]}}]}}]} as unknown as DocumentNode<SearchImagesQuery, SearchImagesQueryVariables>;
export const SearchPromptsWithImagesDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"SearchPromptsWithImages"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"input"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"LibrarySearchInput"}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"first"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"Int"}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"imagesPerPrompt"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"Int"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"searchPrompts"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"Variable","name":{"kind":"Name","value":"input"}}},{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"Variable","name":{"kind":"Name","value":"first"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"edges"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"node"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"text"}},{"kind":"Field","name":{"kind":"Name","value":"images"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"Variable","name":{"kind":"Name","value":"imagesPerPrompt"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"LibraryImageFields"}}]}}]}}]}},{"kind":"Field","name":{"kind":"Name","value":"totalCount"}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"LibraryImageFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Image"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"url"}},{"kind":"Field","name":{"kind":"Name","value":"thumbnailUrl"}},{"kind":"Field","name":{"kind":"Name","value":"seed"}},{"kind":"Field","name":{"kind":"Name","value":"width"}},{"kind":"Field","name":{"kind":"Name","value":"height"}},{"kind":"Field","name":{"kind":"Name","value":"nsfw"}},{"kind":"Field","name":{"kind":"Name","value":"favorite"}},{"kind":"Field","name":{"kind":"Name","value":"favoritedAt"}},{"kind":"Field","name":{"kind":"Name","value":"tags"}},{"kind":"Field","name":{"kind":"Name","value":"prompt"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"text"}},{"kind":"Field","name":{"kind":"Name","value":"useCount"}}]}},{"kind":"Field","name":{"kind":"Name","value":"generation"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"model"}},{"kind":"Field","name":{"kind":"Name","value":"sampler"}},{"kind":"Field","name":{"kind":"Name","value":"steps"}},{"kind":"Field","name":{"kind":"Name","value":"seed"}}]}}]}}]} as unknown as DocumentNode<SearchPromptsWithImagesQuery, SearchPromptsWithImagesQueryVariables>;
export const SimilarPromptsDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"SimilarPrompts"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"promptId"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"filter"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"LibraryFilterInput"}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"first"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"Int"}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"after"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"similarPrompts"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"promptId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"promptId"}}},{"kind":"Argument","name":{"kind":"Name","value":"filter"},"value":{"kind":"Variable","name":{"kind":"Name","value":"filter"}}},{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"Variable","name":{"kind":"Name","value":"first"}}},{"kind":"Argument","name":{"kind":"Name","value":"after"},"value":{"kind":"Variable","name":{"kind":"Name","value":"after"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"edges"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"score"}},{"kind":"Field","name":{"kind":"Name","value":"node"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"text"}}]}}]}},{"kind":"Field","name":{"kind":"Name","value":"pageInfo"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"hasNextPage"}},{"kind":"Field","name":{"kind":"Name","value":"endCursor"}}]}},{"kind":"Field","name":{"kind":"Name","value":"totalCount"}}]}}]}}]} as unknown as DocumentNode<SimilarPromptsQuery, SimilarPromptsQueryVariables>;
export const SimilarImagesDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"SimilarImages"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"imageId"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"filter"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"LibraryFilterInput"}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"first"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"Int"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"similarImages"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"imageId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"imageId"}}},{"kind":"Argument","name":{"kind":"Name","value":"filter"},"value":{"kind":"Variable","name":{"kind":"Name","value":"filter"}}},{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"Variable","name":{"kind":"Name","value":"first"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"edges"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"score"}},{"kind":"Field","name":{"kind":"Name","value":"node"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"prompt"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"text"}}]}}]}}]}},{"kind":"Field","name":{"kind":"Name","value":"totalCount"}}]}}]}}]} as unknown as DocumentNode<SimilarImagesQuery, SimilarImagesQueryVariables>;
export const TagImagesDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"TagImages"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"imageIds"}},"type":{"kind":"NonNullType","type":{"kind":"ListType","type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"tags"}},"type":{"kind":"NonNullType","type":{"kind":"ListType","type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"tagImages"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"imageIds"},"value":{"kind":"Variable","name":{"kind":"Name","value":"imageIds"}}},{"kind":"Argument","name":{"kind":"Name","value":"tags"},"value":{"kind":"Variable","name":{"kind":"Name","value":"tags"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"tags"}}]}}]}}]} as unknown as DocumentNode<TagImagesMutation, TagImagesMutationVariables>;
export const UntagImagesDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"UntagImages"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"imageIds"}},"type":{"kind":"NonNullType","type":{"kind":"ListType","type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"tags"}},"type":{"kind":"NonNullType","type":{"kind":"ListType","type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"untagImages"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"imageIds"},"value":{"kind":"Variable","name":{"kind":"Name","value":"imageIds"}}},{"kind":"Argument","name":{"kind":"Name","value":"tags"},"value":{"kind":"Variable","name":{"kind":"Name","value":"tags"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"tags"}}]}}]}}]} as unknown as DocumentNode<UntagImagesMutation, UntagImagesMutationVariables>;
export const SetFavoriteDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"SetFavorite"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"imageId"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"favorite"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"Boolean"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"setFavorite"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"imageId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"imageId"}}},{"kind":"Argument","name":{"kind":"Name","value":"favorite"},"value":{"kind":"Variable","name":{"kind":"Name","value":"favorite"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"favorite"}},{"kind":"Field","name":{"kind":"Name","value":"favoritedAt"}}]}}]}}]} as unknown as DocumentNode<SetFavoriteMutation, SetFavoriteMutationVariables>;
export const TagsDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"Tags"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"prefix"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"first"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"Int"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"tags"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"prefix"},"value":{"kind":"Variable","name":{"kind":"Name","value":"prefix"}}},{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"Variable","name":{"kind":"Name","value":"first"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"imageCount"}}]}}]}}]} as unknown as DocumentNode<TagsQuery, TagsQueryVariables>;
export const CreateCollectionDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"CreateCollection"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"input"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"CollectionInput"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"imagesFirst"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"Int"}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"imagesAfter"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"createCollection"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"Variable","name":{"kind":"Name","value":"input"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"CollectionFields"}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"CollectionFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Collection"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"description"}},{"kind":"Field","name":{"kind":"Name","value":"imageCount"}},{"kind":"Field","name":{"kind":"Name","value":"images"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"Variable","name":{"kind":"Name","value":"imagesFirst"}}},{"kind":"Argument","name":{"kind":"Name","value":"after"},"value":{"kind":"Variable","name":{"kind":"Name","value":"imagesAfter"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"edges"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"cursor"}},{"kind":"Field","name":{"kind":"Name","value":"node"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}}]}}]}},{"kind":"Field","name":{"kind":"Name","value":"pageInfo"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"hasNextPage"}},{"kind":"Field","name":{"kind":"Name","value":"endCursor"}}]}},{"kind":"Field","name":{"kind":"Name","value":"totalCount"}}]}}]}}]} as unknown as DocumentNode<CreateCollectionMutation, CreateCollectionMutationVariables>;
export const UpdateCollectionDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"UpdateCollection"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"id"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"changes"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"CollectionChanges"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"imagesFirst"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"Int"}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"imagesAfter"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"updateCollection"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"id"},"value":{"kind":"Variable","name":{"kind":"Name","value":"id"}}},{"kind":"Argument","name":{"kind":"Name","value":"changes"},"value":{"kind":"Variable","name":{"kind":"Name","value":"changes"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"CollectionFields"}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"CollectionFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Collection"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"description"}},{"kind":"Field","name":{"kind":"Name","value":"imageCount"}},{"kind":"Field","name":{"kind":"Name","value":"images"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"Variable","name":{"kind":"Name","value":"imagesFirst"}}},{"kind":"Argument","name":{"kind":"Name","value":"after"},"value":{"kind":"Variable","name":{"kind":"Name","value":"imagesAfter"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"edges"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"cursor"}},{"kind":"Field","name":{"kind":"Name","value":"node"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}}]}}]}},{"kind":"Field","name":{"kind":"Name","value":"pageInfo"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"hasNextPage"}},{"kind":"Field","name":{"kind":"Name","value":"endCursor"}}]}},{"kind":"Field","name":{"kind":"Name","value":"totalCount"}}]}}]}}]} as unknown as DocumentNode<UpdateCollectionMutation, UpdateCollectionMutationVariables>;
export const AddToCollectionDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"AddToCollection"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"collectionId"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"imageIds"}},"type":{"kind":"NonNullType","type":{"kind":"ListType","type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"imagesFirst"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"Int"}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"imagesAfter"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"addToCollection"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"collectionId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"collectionId"}}},{"kind":"Argument","name":{"kind":"Name","value":"imageIds"},"value":{"kind":"Variable","name":{"kind":"Name","value":"imageIds"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"CollectionFields"}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"CollectionFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Collection"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"description"}},{"kind":"Field","name":{"kind":"Name","value":"imageCount"}},{"kind":"Field","name":{"kind":"Name","value":"images"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"Variable","name":{"kind":"Name","value":"imagesFirst"}}},{"kind":"Argument","name":{"kind":"Name","value":"after"},"value":{"kind":"Variable","name":{"kind":"Name","value":"imagesAfter"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"edges"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"cursor"}},{"kind":"Field","name":{"kind":"Name","value":"node"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}}]}}]}},{"kind":"Field","name":{"kind":"Name","value":"pageInfo"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"hasNextPage"}},{"kind":"Field","name":{"kind":"Name","value":"endCursor"}}]}},{"kind":"Field","name":{"kind":"Name","value":"totalCount"}}]}}]}}]} as unknown as DocumentNode<AddToCollectionMutation, AddToCollectionMutationVariables>;
export const RemoveFromCollectionDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"RemoveFromCollection"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"collectionId"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"imageIds"}},"type":{"kind":"NonNullType","type":{"kind":"ListType","type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"imagesFirst"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"Int"}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"imagesAfter"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"removeFromCollection"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"collectionId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"collectionId"}}},{"kind":"Argument","name":{"kind":"Name","value":"imageIds"},"value":{"kind":"Variable","name":{"kind":"Name","value":"imageIds"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"CollectionFields"}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"CollectionFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Collection"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"description"}},{"kind":"Field","name":{"kind":"Name","value":"imageCount"}},{"kind":"Field","name":{"kind":"Name","value":"images"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"Variable","name":{"kind":"Name","value":"imagesFirst"}}},{"kind":"Argument","name":{"kind":"Name","value":"after"},"value":{"kind":"Variable","name":{"kind":"Name","value":"imagesAfter"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"edges"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"cursor"}},{"kind":"Field","name":{"kind":"Name","value":"node"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}}]}}]}},{"kind":"Field","name":{"kind":"Name","value":"pageInfo"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"hasNextPage"}},{"kind":"Field","name":{"kind":"Name","value":"endCursor"}}]}},{"kind":"Field","name":{"kind":"Name","value":"totalCount"}}]}}]}}]} as unknown as DocumentNode<RemoveFromCollectionMutation, RemoveFromCollectionMutationVariables>;
export const ReorderCollectionDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"ReorderCollection"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"collectionId"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"imageIds"}},"type":{"kind":"NonNullType","type":{"kind":"ListType","type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"imagesFirst"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"Int"}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"imagesAfter"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"reorderCollection"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"collectionId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"collectionId"}}},{"kind":"Argument","name":{"kind":"Name","value":"imageIds"},"value":{"kind":"Variable","name":{"kind":"Name","value":"imageIds"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"CollectionFields"}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"CollectionFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Collection"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"description"}},{"kind":"Field","name":{"kind":"Name","value":"imageCount"}},{"kind":"Field","name":{"kind":"Name","value":"images"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"Variable","name":{"kind":"Name","value":"imagesFirst"}}},{"kind":"Argument","name":{"kind":"Name","value":"after"},"value":{"kind":"Variable","name":{"kind":"Name","value":"imagesAfter"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"edges"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"cursor"}},{"kind":"Field","name":{"kind":"Name","value":"node"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}}]}}]}},{"kind":"Field","name":{"kind":"Name","value":"pageInfo"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"hasNextPage"}},{"kind":"Field","name":{"kind":"Name","value":"endCursor"}}]}},{"kind":"Field","name":{"kind":"Name","value":"totalCount"}}]}}]}}]} as unknown as DocumentNode<ReorderCollectionMutation, ReorderCollectionMutationVariables>;
export const DeleteCollectionDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"DeleteCollection"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"id"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"deleteCollection"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"id"},"value":{"kind":"Variable","name":{"kind":"Name","value":"id"}}}]}]}}]} as unknown as DocumentNode<DeleteCollectionMutation, DeleteCollectionMutationVariables>;
export const CollectionDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"Collection"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"id"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"imagesFirst"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"Int"}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"imagesAfter"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"collection"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"id"},"value":{"kind":"Variable","name":{"kind":"Name","value":"id"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"CollectionFields"}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"CollectionFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Collection"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"description"}},{"kind":"Field","name":{"kind":"Name","value":"imageCount"}},{"kind":"Field","name":{"kind":"Name","value":"images"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"Variable","name":{"kind":"Name","value":"imagesFirst"}}},{"kind":"Argument","name":{"kind":"Name","value":"after"},"value":{"kind":"Variable","name":{"kind":"Name","value":"imagesAfter"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"edges"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"cursor"}},{"kind":"Field","name":{"kind":"Name","value":"node"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}}]}}]}},{"kind":"Field","name":{"kind":"Name","value":"pageInfo"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"hasNextPage"}},{"kind":"Field","name":{"kind":"Name","value":"endCursor"}}]}},{"kind":"Field","name":{"kind":"Name","value":"totalCount"}}]}}]}}]} as unknown as DocumentNode<CollectionQuery, CollectionQueryVariables>;
export const CollectionsDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"Collections"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"first"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"Int"}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"after"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"imagesFirst"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"Int"}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"imagesAfter"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"collections"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"Variable","name":{"kind":"Name","value":"first"}}},{"kind":"Argument","name":{"kind":"Name","value":"after"},"value":{"kind":"Variable","name":{"kind":"Name","value":"after"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"edges"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"cursor"}},{"kind":"Field","name":{"kind":"Name","value":"node"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"CollectionFields"}}]}}]}},{"kind":"Field","name":{"kind":"Name","value":"pageInfo"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"hasNextPage"}},{"kind":"Field","name":{"kind":"Name","value":"endCursor"}}]}},{"kind":"Field","name":{"kind":"Name","value":"totalCount"}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"CollectionFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Collection"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"description"}},{"kind":"Field","name":{"kind":"Name","value":"imageCount"}},{"kind":"Field","name":{"kind":"Name","value":"images"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"Variable","name":{"kind":"Name","value":"imagesFirst"}}},{"kind":"Argument","name":{"kind":"Name","value":"after"},"value":{"kind":"Variable","name":{"kind":"Name","value":"imagesAfter"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"edges"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"cursor"}},{"kind":"Field","name":{"kind":"Name","value":"node"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}}]}}]}},{"kind":"Field","name":{"kind":"Name","value":"pageInfo"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"hasNextPage"}},{"kind":"Field","name":{"kind":"Name","value":"endCursor"}}]}},{"kind":"Field","name":{"kind":"Name","value":"totalCount"}}]}}]}}]} as unknown as DocumentNode<CollectionsQuery, CollectionsQueryVariables>;
export const ViewerLimitsDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"ViewerLimits"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"viewer"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"role"}},{"kind":"Field","name":{"kind":"Name","value":"limits"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"maxQueuedJobs"}},{"kind":"Field","name":{"kind":"Name","value":"maxQueuedJobsPerAccount"}},{"kind":"Field","name":{"kind":"Name","value":"queuedJobs"}},{"kind":"Field","name":{"kind":"Name","value":"maxJobsPerMinute"}},{"kind":"Field","name":{"kind":"Name","value":"jobsLastMinute"}},{"kind":"Field","name":{"kind":"Name","value":"maxJobCost"}},{"kind":"Field","name":{"kind":"Name","value":"maxPriority"}},{"kind":"Field","name":{"kind":"Name","value":"requestsPerMinute"}}]}}]}}]}}]} as unknown as DocumentNode<ViewerLimitsQuery, ViewerLimitsQueryVariables>;
export const LorasDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"Loras"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"loras"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"LoraFields"}}]}},{"kind":"Field","name":{"kind":"Name","value":"unusableLoras"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"file"}},{"kind":"Field","name":{"kind":"Name","value":"problem"}}]}},{"kind":"Field","name":{"kind":"Name","value":"models"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"loadedOn"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"LoadedPipelineFields"}}]}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"LoadedPipelineFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"LoadedPipeline"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"node"}},{"kind":"Field","name":{"kind":"Name","value":"worker"}},{"kind":"Field","name":{"kind":"Name","value":"model"}},{"kind":"Field","name":{"kind":"Name","value":"loras"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"weight"}}]}},{"kind":"Field","name":{"kind":"Name","value":"bytes"}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"LoraFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Lora"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"family"}},{"kind":"Field","name":{"kind":"Name","value":"baseModel"}},{"kind":"Field","name":{"kind":"Name","value":"triggerWords"}},{"kind":"Field","name":{"kind":"Name","value":"preview"}},{"kind":"Field","name":{"kind":"Name","value":"sizeBytes"}},{"kind":"Field","name":{"kind":"Name","value":"hash"}},{"kind":"Field","name":{"kind":"Name","value":"loadedOn"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"LoadedPipelineFields"}}]}}]}}]} as unknown as DocumentNode<LorasQuery, LorasQueryVariables>;
export const RefreshModelsDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"RefreshModels"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"refreshModels"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"models"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"name"}}]}},{"kind":"Field","name":{"kind":"Name","value":"loras"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"hash"}}]}}]}}]}}]} as unknown as DocumentNode<RefreshModelsMutation, RefreshModelsMutationVariables>;
export const EmbeddingsDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"Embeddings"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"embeddings"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"family"}},{"kind":"Field","name":{"kind":"Name","value":"vectors"}},{"kind":"Field","name":{"kind":"Name","value":"sizeBytes"}},{"kind":"Field","name":{"kind":"Name","value":"hash"}}]}},{"kind":"Field","name":{"kind":"Name","value":"unusableEmbeddings"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"file"}},{"kind":"Field","name":{"kind":"Name","value":"problem"}}]}}]}}]} as unknown as DocumentNode<EmbeddingsQuery, EmbeddingsQueryVariables>;
export const PromptStatsSearchDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"PromptStatsSearch"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"input"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"LibrarySearchInput"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"searchPrompts"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"Variable","name":{"kind":"Name","value":"input"}}},{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"IntValue","value":"20"}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"edges"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"node"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"PromptStats"}}]}}]}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"PromptStats"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"LibraryPrompt"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"text"}},{"kind":"Field","name":{"kind":"Name","value":"useCount"}},{"kind":"Field","name":{"kind":"Name","value":"createdAt"}},{"kind":"Field","name":{"kind":"Name","value":"lastUsedAt"}}]}}]} as unknown as DocumentNode<PromptStatsSearchQuery, PromptStatsSearchQueryVariables>;
export const PromptStatsSuggestionsDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"PromptStatsSuggestions"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"prefix"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"scope"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"SearchScope"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"promptSuggestions"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"prefix"},"value":{"kind":"Variable","name":{"kind":"Name","value":"prefix"}}},{"kind":"Argument","name":{"kind":"Name","value":"scope"},"value":{"kind":"Variable","name":{"kind":"Name","value":"scope"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"PromptStats"}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"PromptStats"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"LibraryPrompt"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"text"}},{"kind":"Field","name":{"kind":"Name","value":"useCount"}},{"kind":"Field","name":{"kind":"Name","value":"createdAt"}},{"kind":"Field","name":{"kind":"Name","value":"lastUsedAt"}}]}}]} as unknown as DocumentNode<PromptStatsSuggestionsQuery, PromptStatsSuggestionsQueryVariables>;
export const PromptStatsSimilarDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"PromptStatsSimilar"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"promptId"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"filter"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"LibraryFilterInput"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"similarPrompts"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"promptId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"promptId"}}},{"kind":"Argument","name":{"kind":"Name","value":"filter"},"value":{"kind":"Variable","name":{"kind":"Name","value":"filter"}}},{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"IntValue","value":"20"}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"edges"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"node"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"PromptStats"}}]}}]}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"PromptStats"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"LibraryPrompt"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"text"}},{"kind":"Field","name":{"kind":"Name","value":"useCount"}},{"kind":"Field","name":{"kind":"Name","value":"createdAt"}},{"kind":"Field","name":{"kind":"Name","value":"lastUsedAt"}}]}}]} as unknown as DocumentNode<PromptStatsSimilarQuery, PromptStatsSimilarQueryVariables>;
export const PromptStatsOfImagesDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"PromptStatsOfImages"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"input"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"LibrarySearchInput"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"searchImages"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"Variable","name":{"kind":"Name","value":"input"}}},{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"IntValue","value":"20"}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"edges"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"node"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"prompt"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"PromptStats"}}]}}]}}]}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"PromptStats"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"LibraryPrompt"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"text"}},{"kind":"Field","name":{"kind":"Name","value":"useCount"}},{"kind":"Field","name":{"kind":"Name","value":"createdAt"}},{"kind":"Field","name":{"kind":"Name","value":"lastUsedAt"}}]}}]} as unknown as DocumentNode<PromptStatsOfImagesQuery, PromptStatsOfImagesQueryVariables>;