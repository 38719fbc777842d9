-- CreateTable
CREATE TABLE "SearchWord" (
    "word" TEXT NOT NULL,

    CONSTRAINT "SearchWord_pkey" PRIMARY KEY ("word")
);

-- CreateIndex
CREATE INDEX "SearchWord_word_idx" ON "SearchWord" USING GIN ("word" gin_trgm_ops);

-- Keeps the vocabulary up to date: the words of each statement's new prompts ('simple' configuration: lower
-- case, split as full text splits, not stemmed). A statement-level trigger, so a bulk insert costs one pass.
CREATE FUNCTION "SearchWord_add_from_prompts"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO "SearchWord" (word)
  SELECT DISTINCT w FROM new_prompts, unnest(tsvector_to_array(to_tsvector('simple', new_prompts.text))) AS w
  WHERE length(w) >= 3
  ON CONFLICT DO NOTHING;
  RETURN NULL;
END
$$;

CREATE TRIGGER "Prompt_search_words_insert" AFTER INSERT ON "Prompt"
  REFERENCING NEW TABLE AS new_prompts FOR EACH STATEMENT EXECUTE FUNCTION "SearchWord_add_from_prompts"();

CREATE TRIGGER "Prompt_search_words_update" AFTER UPDATE ON "Prompt"
  REFERENCING NEW TABLE AS new_prompts FOR EACH STATEMENT EXECUTE FUNCTION "SearchWord_add_from_prompts"();

-- The prompts stored before this migration.
INSERT INTO "SearchWord" (word)
SELECT DISTINCT w FROM "Prompt", unnest(tsvector_to_array(to_tsvector('simple', "Prompt".text))) AS w
WHERE length(w) >= 3
ON CONFLICT DO NOTHING;
