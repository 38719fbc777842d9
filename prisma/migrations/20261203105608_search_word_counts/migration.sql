-- AlterTable
ALTER TABLE "SearchWord" ADD COLUMN     "prompts" INTEGER NOT NULL DEFAULT 0;

-- CreateIndex
-- With the search vector as a non-key column: a search walking the most used prompts for the matches of a
-- common word tests each one in the index alone (an index-only scan), without a visit to the table's row:
-- about 0.6 us a prompt instead of 5 (BENCHMARKS.md, 1,000,000 prompts). Prisma cannot express INCLUDE
-- (prisma/prisma#8584): schema.prisma declares the key columns, and db/schema-engine.ts knows the rest.
CREATE INDEX "Prompt_useCount_id_idx" ON "Prompt"("useCount" DESC, "id") INCLUDE ("searchVector");

-- CreateIndex
CREATE INDEX "Prompt_createdAt_id_idx" ON "Prompt"("createdAt" DESC, "id");

-- The vocabulary now counts, for each word, the prompts that hold it (unfinished words are completed most
-- used first), and forgets a word no prompt holds any more. One function applies the words of texts added
-- and removed; a trigger per statement kind calls it with the transition tables.
CREATE FUNCTION "SearchWord_delta"(added text[], removed text[]) RETURNS TABLE (word text, delta int) LANGUAGE sql IMMUTABLE AS $$
  SELECT w, sum(d)::int FROM (
    SELECT w, 1 AS d FROM unnest(added) AS t, unnest(tsvector_to_array(to_tsvector('simple', t))) AS w
    UNION ALL
    SELECT w, -1 FROM unnest(removed) AS t, unnest(tsvector_to_array(to_tsvector('simple', t))) AS w
  ) words WHERE length(w) >= 3 GROUP BY w HAVING sum(d) <> 0
$$;

CREATE FUNCTION "SearchWord_adjust"(added text[], removed text[]) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  -- In word order, so concurrent statements lock the words they share in the same order (no deadlocks).
  INSERT INTO "SearchWord" (word, prompts)
  SELECT d.word, d.delta FROM "SearchWord_delta"(added, removed) d WHERE d.delta > 0 ORDER BY d.word
  ON CONFLICT (word) DO UPDATE SET prompts = "SearchWord".prompts + EXCLUDED.prompts;
  IF cardinality(removed) > 0 THEN
    UPDATE "SearchWord" s SET prompts = s.prompts + d.delta
    FROM (SELECT * FROM "SearchWord_delta"(added, removed) WHERE delta < 0 ORDER BY word) d WHERE s.word = d.word;
    DELETE FROM "SearchWord" WHERE prompts <= 0 AND word IN (SELECT d.word FROM "SearchWord_delta"(added, removed) d WHERE d.delta < 0);
  END IF;
END
$$;

CREATE OR REPLACE FUNCTION "SearchWord_add_from_prompts"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM "SearchWord_adjust"(ARRAY(SELECT text FROM new_prompts), '{}');
  RETURN NULL;
END
$$;

CREATE FUNCTION "SearchWord_remove_from_prompts"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM "SearchWord_adjust"('{}', ARRAY(SELECT text FROM old_prompts));
  RETURN NULL;
END
$$;

-- An update changes the words only where the text changed (a use only bumps the counts: nothing to do).
CREATE FUNCTION "SearchWord_follow_prompt_edits"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF EXISTS (SELECT 1 FROM old_prompts o JOIN new_prompts n ON n.id = o.id WHERE n.text IS DISTINCT FROM o.text) THEN
    PERFORM "SearchWord_adjust"(
      ARRAY(SELECT n.text FROM old_prompts o JOIN new_prompts n ON n.id = o.id WHERE n.text IS DISTINCT FROM o.text),
      ARRAY(SELECT o.text FROM old_prompts o JOIN new_prompts n ON n.id = o.id WHERE n.text IS DISTINCT FROM o.text));
  END IF;
  RETURN NULL;
END
$$;

DROP TRIGGER "Prompt_search_words_update" ON "Prompt";
CREATE TRIGGER "Prompt_search_words_update" AFTER UPDATE ON "Prompt"
  REFERENCING OLD TABLE AS old_prompts NEW TABLE AS new_prompts FOR EACH STATEMENT EXECUTE FUNCTION "SearchWord_follow_prompt_edits"();

CREATE TRIGGER "Prompt_search_words_delete" AFTER DELETE ON "Prompt"
  REFERENCING OLD TABLE AS old_prompts FOR EACH STATEMENT EXECUTE FUNCTION "SearchWord_remove_from_prompts"();

-- The counts of the prompts stored so far; words no prompt holds any more go.
UPDATE "SearchWord" s SET prompts = c.prompts
FROM (
  SELECT w AS word, count(*)::int AS prompts FROM "Prompt", unnest(tsvector_to_array(to_tsvector('simple', "Prompt".text))) AS w
  WHERE length(w) >= 3 GROUP BY w
) c WHERE s.word = c.word;
DELETE FROM "SearchWord" WHERE prompts = 0;
