-- AlterTable
ALTER TABLE "Generation" ADD COLUMN     "hires" JSONB;
