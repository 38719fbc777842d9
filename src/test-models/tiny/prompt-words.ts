/**
 * The corpus the tiny tokenizer learns its merges from: common words of image prompts. Each becomes a
 * single token; other words are spelled from the pieces these share (or, at worst, from single bytes).
 * Lowercase letters only, since the tokenizer lowercases and splits digits and punctuation off anyway.
 */
const GROUPS: Record<string, string> = {
  function: `a an the of in on at to with and or by for from into over under near behind beside between
    above below inside outside through across along around against without is are it its this that`,
  colours: `red orange yellow green blue purple violet pink brown black white grey gray gold golden silver
    cyan magenta teal turquoise indigo crimson scarlet beige ivory navy maroon olive amber emerald ruby
    pastel neon colorful colourful monochrome vibrant dark light bright pale deep`,
  shapes: `circle circles square squares triangle triangles rectangle star stars heart hexagon sphere cube
    cone cylinder pyramid spiral ring line lines dot dots stripe stripes grid pattern shape shapes wave
    waves curve round flat`,
  positions: `left right top bottom center centre middle corner edge background foreground front back side
    upper lower close far distant small large big tiny huge tall short wide narrow`,
  art: `painting drawing sketch illustration photo photograph portrait landscape still life watercolor
    watercolour oil acrylic ink pencil charcoal pastel digital art artwork artist style render rendering
    concept abstract realistic photorealistic surreal minimalist minimal detailed intricate sharp focus
    blurry bokeh cinematic dramatic lighting light shadow shadows soft hard texture canvas poster
    studio masterpiece trending quality resolution highly beautiful stunning epic elegant cute simple
    vintage retro modern futuristic fantasy anime cartoon comic pixel impressionist baroque renaissance
    gothic steampunk cyberpunk sunset sunrise night day morning evening glow glowing shiny matte`,
  subjects: `cat cats dog dogs bird birds horse fox wolf lion tiger bear fish whale dragon owl rabbit
    person man woman girl boy child face eyes hand hands hair people crowd robot astronaut knight
    wizard king queen house houses castle tower city street road bridge building window door garden
    forest tree trees flower flowers rose leaf leaves grass field mountain mountains hill valley river
    lake sea ocean beach island desert snow rain cloud clouds sky sun moon planet space galaxy fire
    water ice stone rock sand car train ship boat plane bicycle book table chair cup bottle apple
    fruit bread cake coffee clock lamp candle mirror`,
  materials: `wood wooden metal metallic glass paper cloth fabric leather plastic marble brick concrete
    crystal gem velvet silk wool steel iron copper bronze`,
  moods: `happy sad calm quiet peaceful lonely mysterious magical dreamy cozy warm cold hot wet dry old
    new ancient young bold clean dirty empty full misty foggy rainy sunny stormy`,
};

export const PROMPT_WORDS: readonly string[] = Object.values(GROUPS).flatMap((group) => group.split(/\s+/).filter(Boolean));
