/**
 * Prompts for the library benchmark, in two shapes:
 * - `long` (the default): what real prompt libraries hold (Lexica, the krea open-prompts sample): a subject,
 *   a setting, then a long list of modifiers (medium, style, lighting, camera, quality tags) and artists,
 *   about 33 words on average. Each list is drawn Zipf-distributed (a few tags such as "highly detailed" are
 *   in a large share of prompts, most in few), and the artists have a long tail of made-up names, so the
 *   vocabulary has tens of thousands of words with the long-tailed frequencies of a real one.
 * - `short`: the earlier benchmark's 6-12 word prompts from fixed lists (all distinct), for comparison.
 * Deterministic: prompt i is the same in every run of the same size and shape.
 */

import { seededRandom } from '../test/support/seeded-random.js';

export type CorpusShape = 'long' | 'short';

const SUBJECTS = list(
  'lighthouse fox samurai robot castle dragon astronaut fisherman village forest wolf owl city garden temple ship train cat knight witch mountain river desert violin bicycle clocktower mermaid tiger whale lantern bridge market orchard monk pilot dancer giant beetle falcon harbor ' +
    'portrait_of_a_woman portrait_of_an_old_man warrior_princess cyborg spaceship wizard elf_queen goblin city_skyline waterfall treehouse airship butterfly jellyfish phoenix unicorn deer bear raven koi_fish octopus geisha cowboy pirate detective sorceress angel demon skull',
);
const ADJECTIVES = list(
  'ancient giant lonely mechanical glowing abandoned floating tiny majestic mysterious colorful dark beautiful ethereal futuristic medieval enchanted ruined crystal golden frozen burning haunted cozy cute epic surreal whimsical elegant',
);
const SETTINGS = list(
  'at_dusk in_the_rain under_the_stars on_a_cliff in_the_snow at_night in_autumn by_the_sea in_a_storm at_dawn in_the_fog on_mars underwater in_a_cave in_the_jungle on_a_rooftop in_a_library at_noon in_winter in_spring on_a_glacier in_a_canyon near_a_volcano in_a_meadow at_a_festival in_a_ruin on_the_moon in_a_swamp on_an_island in_the_clouds ' +
    'in_a_neon_city in_a_cathedral in_a_tavern on_a_battlefield in_space in_a_flower_field in_a_busy_street in_a_dense_forest on_a_beach in_a_throne_room',
);
/** Modifier tags, most common first (the Zipf draw favours the front of the list). */
const TAGS = list(
  'highly_detailed trending_on_artstation digital_painting concept_art sharp_focus intricate illustration 8k octane_render unreal_engine smooth elegant cinematic_lighting artstation masterpiece ' +
    'volumetric_lighting fantasy 4k hyperrealistic photorealistic dramatic_lighting studio_lighting matte_painting detailed soft_light golden_hour ultra_realistic beautiful vibrant_colors cinematic ' +
    'realistic oil_painting watercolor cyberpunk steampunk art_nouveau ukiyo-e pixel_art charcoal_sketch low_poly baroque impressionist neon_lights vaporwave gouache film_noir pastel isometric_render mosaic ' +
    'bokeh depth_of_field wide_angle close-up full_body_shot aerial_view rim_light long_exposure muted_colors dramatic_sky volumetric_fog god_rays backlit dynamic_pose symmetrical centered ' +
    'award_winning_photo 35mm_film kodak_portra hdr ray_tracing subsurface_scattering global_illumination ambient_occlusion insanely_detailed intricate_details fine_details hyperdetailed ' +
    'dark_fantasy sci-fi art_deco gothic retro synthwave dreamlike moody epic_composition rule_of_thirds ornate filigree glowing_eyes bioluminescent iridescent holographic ' +
    'anime manga cel_shading comic_book storybook_illustration children_book_illustration sticker flat_design vector_art line_art ink_drawing pencil_sketch chalk_art stained_glass tapestry ' +
    'fisheye tilt-shift macro_photography portrait_photography street_photography polaroid film_grain chromatic_aberration lens_flare motion_blur vignette high_contrast low_key high_key ' +
    'pastel_colors earth_tones monochrome sepia black_and_white teal_and_orange warm_colors cold_colors red_and_gold emerald_green deep_blue ' +
    'behance cgsociety deviantart pixiv zbrush blender houdini redshift_render vray corona_render substance_painter',
);
const ARTISTS = list(
  'greg_rutkowski alphonse_mucha artgerm wlop ross_tran james_jean loish makoto_shinkai hayao_miyazaki studio_ghibli beeple simon_stalenhag moebius syd_mead craig_mullins ' +
    'john_singer_sargent claude_monet vincent_van_gogh rembrandt caravaggio gustav_klimt hokusai zdzislaw_beksinski h_r_giger frank_frazetta boris_vallejo thomas_kinkade ivan_aivazovsky ' +
    'jakub_rozalski peter_mohrbacher ruan_jia krenz_cushart magali_villeneuve charlie_bowater tom_bagshaw jesper_ejsing rossdraws sam_spratt',
);
/** Made-up surnames for the long tail of artists (real libraries name thousands of them, most once or twice). */
const SYLLABLES = list('ka ren mor vel tha sin dor lu vi ast ber cal den fio gra hal isk jor kel lam nor ost pra qui rho sel tov ulm var wen xan yor zel');

export interface PromptCorpus {
  shape: CorpusShape;
  /** Prompt i (0-based) of the corpus. */
  prompt(i: number): string;
  /** How often prompt i was used (most once, a few hundreds of times: long-tailed as well). */
  useCount(i: number): number;
}

export function promptCorpus(shape: CorpusShape): PromptCorpus {
  return shape === 'short' ? shortCorpus() : longCorpus();
}

/** The most prompts a corpus can give (the short one's lists run out; the long one's do not, in practice). */
export function corpusCapacity(shape: CorpusShape): number {
  return shape === 'short' ? SHORT_SUBJECTS.length * SETTINGS.slice(0, 30).length * SHORT_STYLES.length * SHORT_DETAILS.length * SHORT_FRAMES.length : 50_000_000;
}

function longCorpus(): PromptCorpus {
  const subject = zipf(SUBJECTS.length, 0.8);
  const adjective = zipf(ADJECTIVES.length, 0.8);
  const setting = zipf(SETTINGS.length, 0.8);
  const tag = zipf(TAGS.length, 0.7);
  const artist = zipf(ARTISTS.length + 30_000, 1.05);
  return {
    shape: 'long',
    prompt(i) {
      const random = seededRandom(i * 2654435761 + 1);
      const head = `${random() < 0.6 ? `${ADJECTIVES[adjective(random)]} ` : ''}${SUBJECTS[subject(random)]}`;
      const parts = [random() < 0.25 ? head : `a ${head}`, ...(random() < 0.8 ? [SETTINGS[setting(random)]!] : [])];
      // 4 to 40 tags, about 16 on average; repeats are dropped (a real prompt seldom repeats a tag).
      const tags = new Set<string>();
      const wanted = 4 + Math.floor(random() * random() * 30) + Math.floor(random() * 8);
      for (let n = 0; n < wanted * 2 && tags.size < wanted; n++) tags.add(TAGS[tag(random)]!);
      parts.push(...tags);
      const artists = new Set<string>();
      const artistCount = random() < 0.35 ? 0 : 1 + Math.floor(random() * 3);
      for (let n = 0; n < artistCount; n++) artists.add(artistName(artist(random)));
      if (artists.size > 0) parts.push(`by ${[...artists].join(' and ')}`);
      return parts.join(', ');
    },
    useCount(i) {
      const random = seededRandom(i * 40503 + 7);
      // Pareto-like: 1 for most prompts, tens for some, hundreds for a few.
      return Math.max(1, Math.floor(1 / Math.pow(1 - random() * 0.999, 0.9)));
    },
  };
}

function artistName(rank: number): string {
  if (rank < ARTISTS.length) return ARTISTS[rank]!;
  // Two made-up words per rank, from a hash of it: about 30,000 distinct surnames and 1,000 first names.
  const random = seededRandom(rank * 97 + 13);
  const syllable = () => SYLLABLES[Math.floor(random() * SYLLABLES.length)]!;
  return `${syllable()}${syllable()} ${syllable()}${syllable()}${syllable()}`;
}

const SHORT_SUBJECTS = SUBJECTS.slice(0, 40);
const SHORT_STYLES = list(
  'oil_painting watercolor cyberpunk ukiyo-e art_nouveau pixel_art charcoal_sketch studio_photo cinematic_still low_poly baroque impressionist neon_lights vaporwave gouache steampunk film_noir pastel isometric_render mosaic',
);
const SHORT_DETAILS = list('highly_detailed soft_light dramatic_sky volumetric_fog golden_hour sharp_focus wide_angle bokeh muted_colors vivid_colors rim_light long_exposure');
const SHORT_FRAMES = ['', ', close-up', ', aerial view', ', full body shot'];

/** 40 x 30 x 20 x 12 x 4 = 1,152,000 distinct prompts, as the benchmark made them before the long shape. */
function shortCorpus(): PromptCorpus {
  const places = SETTINGS.slice(0, 30);
  const perFrame = SHORT_SUBJECTS.length * places.length * SHORT_STYLES.length * SHORT_DETAILS.length;
  return {
    shape: 'short',
    prompt(i) {
      let n = i;
      const pick = <T>(items: readonly T[]): T => {
        const item = items[n % items.length]!;
        n = Math.floor(n / items.length);
        return item;
      };
      const subject = pick(SHORT_SUBJECTS);
      const place = pick(places);
      const style = pick(SHORT_STYLES);
      const detail = pick(SHORT_DETAILS);
      return `a ${subject} ${place}, ${style}, ${detail}${SHORT_FRAMES[Math.floor(i / perFrame) % SHORT_FRAMES.length]}`;
    },
    useCount: (i) => 1 + (i % 7),
  };
}

/** A sampler of ranks 0..n-1 with P(rank) proportional to 1 / (rank + 1)^exponent. */
function zipf(n: number, exponent: number): (random: () => number) => number {
  const cumulative = new Float64Array(n);
  let total = 0;
  for (let rank = 0; rank < n; rank++) cumulative[rank] = total += 1 / Math.pow(rank + 1, exponent);
  return (random) => {
    const target = random() * total;
    let low = 0;
    let high = n - 1;
    while (low < high) {
      const mid = (low + high) >> 1;
      if (cumulative[mid]! < target) low = mid + 1;
      else high = mid;
    }
    return low;
  };
}

function list(words: string): string[] {
  return words.split(' ').map((w) => w.replaceAll('_', ' '));
}
