-- DropIndex
-- A B-tree entry holds at most about 2.7 kB: a long prompt (up to 10,000 characters) does not fit as the key
-- itself. The unique key becomes its SHA-256, set by the database so that no writer can get it wrong.
DROP INDEX "Prompt_normalized_key";

-- AlterTable
ALTER TABLE "Prompt" ADD COLUMN     "normalizedKey" TEXT NOT NULL DEFAULT '';

CREATE FUNCTION "Prompt_set_normalized_key"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW."normalizedKey" := encode(sha256(convert_to(NEW.normalized, 'UTF8')), 'hex');
  RETURN NEW;
END
$$;

CREATE TRIGGER "Prompt_normalized_key" BEFORE INSERT OR UPDATE OF normalized ON "Prompt"
  FOR EACH ROW EXECUTE FUNCTION "Prompt_set_normalized_key"();

-- The prompts stored before this migration.
UPDATE "Prompt" SET "normalizedKey" = encode(sha256(convert_to(normalized, 'UTF8')), 'hex');

-- CreateIndex
CREATE UNIQUE INDEX "Prompt_normalizedKey_key" ON "Prompt"("normalizedKey");
